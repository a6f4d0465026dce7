"""How many respondents a unit needs for a given margin of error.

For a proportion :math:`p` estimated from a simple random sample, the half-width of the confidence interval
at level :math:`1-\\alpha` is :math:`e = z\\sqrt{p(1-p)/n}`, so an infinite population needs

.. math:: n_0 = \\frac{z^2\\,p(1-p)}{e^2}\\,\\mathrm{deff}

respondents (``deff`` the design effect of the weights, 1 for equal weights). A unit serving only
:math:`N` people needs fewer: with the finite-population correction (Cochran 1977, eq. 4.2 in the form
:math:`n = n_0/(1 + n_0/N)`)

.. math:: n = \\frac{n_0}{1 + n_0 / N} = \\frac{N}{1 + N e^2 / (z^2 p(1-p)\\,\\mathrm{deff})}.

At :math:`p = 0.5`, ``deff`` = 1 and :math:`z \\approx 2` this is Yamane's :math:`n = N/(1 + N e^2)`; with
the exact :math:`z = 1.95996` it is slightly smaller. The result is rounded up.

References
----------
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley. (Sections 4.4-4.6.)
Yamane, T. (1967). *Statistics: An Introductory Analysis*, 2nd ed. Harper and Row.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .intervals import normal_quantile


def required_sample_sizes(
    volume: npt.ArrayLike,
    margin: float = 0.05,
    expected_rate: float = 0.5,
    level: float = 0.95,
    design_effect: float = 1.0,
) -> np.ndarray:
    """Respondents needed per unit (vectorised); see the module docstring for the formula.

    Parameters
    ----------
    volume : array-like of int
        People served by each unit in the campaign period (:math:`N`, at least 0).
    margin : float
        Half-width of the confidence interval wanted, as a proportion (0.05 = ±5 points), in (0, 1).
    expected_rate : float
        Satisfaction rate expected, in [0, 1]; 0.5 is the safe (largest) choice.
    level : float
        Confidence level, in (0, 1).
    design_effect : float
        Variance inflation from unequal weights (at least 1 in practice; Kish's 1 + CV² of the weights).

    Returns
    -------
    ndarray of int64
        Respondents needed, never more than the volume.
    """
    if not 0 < margin < 1:
        raise ValueError(f"margin: must be between 0 and 1 (e.g. 0.05), not {margin}")
    if not 0 <= expected_rate <= 1:
        raise ValueError(f"expected_rate: must be between 0 and 1, not {expected_rate}")
    if not design_effect > 0:
        raise ValueError(f"design_effect: must be positive, not {design_effect}")
    population = np.asarray(volume, dtype=float)
    if np.any(~np.isfinite(population) | (population < 0)):
        raise ValueError("volume: every volume must be a finite number >= 0")
    z = normal_quantile(level)
    n0 = z * z * expected_rate * (1 - expected_rate) * design_effect / (margin * margin)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(population > 0, n0 / (1 + n0 / population), 0.0)
    # Round up, ignoring floating-point noise in the last digits (e.g. 384.00000000000006 -> 384).
    sizes: np.ndarray = np.minimum(np.ceil(n - 1e-9), population).astype(np.int64)
    return sizes


def required_sample_size(
    volume: int,
    margin: float = 0.05,
    expected_rate: float = 0.5,
    level: float = 0.95,
    design_effect: float = 1.0,
) -> int:
    """Respondents one unit of ``volume`` people served needs for a margin of error ``margin``.

    Examples
    --------
    >>> required_sample_size(1000)           # 1000 / (1 + 1000 * 0.05**2 / 1.96**2 / 0.25), rounded up
    278
    >>> required_sample_size(1000, expected_rate=0.9)   # n0 = 1.96**2 * 0.09 / 0.05**2 = 138.3
    122
    """
    return int(required_sample_sizes([volume], margin, expected_rate, level, design_effect)[0])


def additional_respondents(
    rate: float,
    target: float,
    n: int,
    n_eff: float | None = None,
    volume: int | None = None,
    level: float = 0.95,
) -> int | None:
    """About how many more respondents would settle whether a group reaches ``target``, if its rate held.

    The confidence interval excludes the target once its half-width is below the distance between the rate
    and the target, so this is :func:`required_sample_size` with ``margin = |rate - target|``,
    ``expected_rate = rate`` and the design effect of the weights (``n / n_eff``), less the ``n`` already
    asked. It is the normal-approximation (Wald) count, hence "about": the reports' logit interval may need a
    few answers more or fewer. A rate of exactly 0 or 1 is taken as half an answer from the edge
    (:math:`p = 1/(2n)`), since a sample that unanimous still leaves doubt.

    Parameters
    ----------
    rate, target : float
        The estimated rate and the target, in [0, 1].
    n : int
        Respondents already counted in the rate.
    n_eff : float or None
        Kish effective sample size of those respondents (``None``: equal weights, design effect 1).
    volume : int or None
        People the group served in the period (finite-population correction); ``None`` or 0: not known.
    level : float
        Confidence level of the interval.

    Returns
    -------
    int or None
        Respondents still needed (0 if the sample already suffices), or ``None`` when the rate equals the
        target, which no number of answers can settle.

    Examples
    --------
    >>> additional_respondents(0.85, 0.90, n=100)       # n0 = 1.96**2 * 0.85 * 0.15 / 0.05**2 = 195.9 -> 196
    96
    """
    if not 0 <= rate <= 1 or not 0 <= target <= 1:
        raise ValueError(f"rate and target: must be between 0 and 1, not {rate} and {target}")
    if n < 0:
        raise ValueError(f"n: must be 0 or more, not {n}")
    margin = abs(rate - target)
    if margin == 0:
        return None
    edge = 1 / (2 * max(n, 1))
    p = min(max(rate, edge), 1 - edge)
    design_effect = n / n_eff if n_eff and n_eff > 0 and n > 0 else 1.0
    if volume and volume > n:
        needed = required_sample_size(int(volume), min(margin, 0.999), p, level, max(design_effect, 1e-9))
    else:
        z = normal_quantile(level)
        needed = int(np.ceil(z * z * p * (1 - p) * design_effect / (margin * margin) - 1e-9))
    return max(needed - n, 0)
