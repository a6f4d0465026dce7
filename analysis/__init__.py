"""Weighted analysis of citizen satisfaction surveys (pure library: pandas, numpy, statsmodels; no Flask).

Load responses into a tidy frame (:mod:`analysis.data`), weight them (:mod:`analysis.weights`), estimate
satisfaction rates with confidence intervals and verdicts (:mod:`analysis.estimates`), summarise many items
(:mod:`analysis.indices`), plan sample sizes (:mod:`analysis.sample_size`), draw charts
(:mod:`analysis.charts`) and write reports (:mod:`analysis.report`, ``python -m analysis``).
"""

from .data import export_csv, read_csv, read_database, tidy, write_export_csv
from .estimates import satisfaction_rates, share_yes
from .indices import (
    dimension_scores,
    health_satisfaction,
    likert_distribution,
    papi_index,
    pooled_share,
    sipas_index,
)
from .sample_size import additional_respondents, required_sample_size, required_sample_sizes
from .weights import design_weights, kish_neff, poststratify, rake, rake_trimmed, trim_weights

__all__ = [
    "additional_respondents", "design_weights", "dimension_scores", "export_csv", "kish_neff",
    "health_satisfaction", "likert_distribution", "papi_index", "pooled_share",
    "poststratify", "rake", "rake_trimmed", "read_csv", "read_database", "required_sample_size",
    "required_sample_sizes", "satisfaction_rates", "share_yes", "sipas_index", "tidy", "trim_weights",
    "write_export_csv",
]
