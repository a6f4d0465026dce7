"""Respondents needed per unit: n = n0 / (1 + n0/N), n0 = z^2 p (1 - p) deff / e^2, rounded up."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.sample_size import required_sample_size, required_sample_sizes


def test_large_population_needs_the_classic_385() -> None:
    # n0 = 1.959964^2 * 0.25 / 0.05^2 = 384.15 -> 385 for an (almost) infinite population.
    assert required_sample_size(10**9) == 385


def test_finite_population_correction_by_hand() -> None:
    # N = 1000: 384.146 / (1 + 384.146/1000) = 277.53 -> 278.
    assert required_sample_size(1000) == 278
    # p = 0.9: n0 = 3.8415 * 0.09 / 0.0025 = 138.29; 138.29 / 1.13829 = 121.5 -> 122.
    assert required_sample_size(1000, expected_rate=0.9) == 122


@pytest.mark.parametrize("volume", [50, 300, 1000, 12000])
def test_reduces_to_yamane_with_z_two(volume: int) -> None:
    # With z = 2 (level 95.45 %) and p = 0.5: n = N / (1 + N e^2).
    level = 0.9544997361036416
    assert required_sample_size(volume, 0.05, 0.5, level) == int(np.ceil(volume / (1 + volume * 0.05**2) - 1e-9))


def test_vectorised_and_never_more_than_the_volume() -> None:
    sizes = required_sample_sizes([0, 3, 1000, 1000], margin=0.05, design_effect=1.0)
    assert sizes.tolist() == [0, 3, 278, 278]
    assert required_sample_sizes([1000], design_effect=2.0)[0] > 278


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": 5}, "margin: must be between 0 and 1"),
        ({"expected_rate": 1.5}, "expected_rate: must be between 0 and 1"),
        ({"level": 1.0}, "level: must be between 0 and 1"),
        ({"design_effect": 0}, "design_effect: must be positive"),
        ({"volume": -1}, "volume: every volume must be a finite number >= 0"),
    ],
)
def test_errors_name_the_argument(kwargs: dict[str, float], message: str) -> None:
    arguments = {"volume": 100, **kwargs}
    with pytest.raises(ValueError, match=message):
        required_sample_size(**arguments)  # type: ignore[arg-type]
