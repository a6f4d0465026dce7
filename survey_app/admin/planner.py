"""Sample-size planning: the respondents each unit needs for the precision the province wants.

The statistics are :func:`analysis.sample_size.required_sample_size` (finite-population correction on the
unit's service volume); this module only applies it to a campaign's units.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import CampaignUnit


def plan_quotas(links: Iterable[CampaignUnit], margin: float, expected_rate: float,
                level: float) -> list[tuple[CampaignUnit, int]]:
    """``(unit link, respondents needed)`` for each unit.

    Raises ``ValueError`` (from the analysis package) for settings outside their range.
    """
    from analysis.sample_size import required_sample_size

    return [(link, required_sample_size(link.service_volume, margin=margin, expected_rate=expected_rate,
                                        level=level)) for link in links]
