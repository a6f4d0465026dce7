"""Blueprint `results`: a published campaign's results for citizens, without sign-in (see page.py)."""

from .page import bp, results_url

__all__ = ["bp", "results_url"]
