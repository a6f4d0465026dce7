"""Who may open what: the checks every staff route uses, in one place so that each route states its rule.

``province_admin`` reaches everything; ``agency`` reaches only the units it is bound to. A refusal for a unit
the user may not see is a 404 (the unit's existence is not revealed); a refusal for an admin-only page is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """Signed in (else redirect to the sign-in page) and a province administrator (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def staff_required(view: F) -> F:
    """Signed in as any staff role; the view itself narrows what an agency user sees."""
    return login_required(view)  # type: ignore[return-value]


def visible_unit_ids() -> set[int] | None:
    """Ids of the units the current user may see, or ``None`` for "all units" (province administrators)."""
    if current_user.is_admin:
        return None
    return {unit.id for unit in current_user.units}


def require_unit(unit_id: int) -> None:
    """404 unless the current user may see this unit."""
    if not current_user.can_see_unit(unit_id):
        abort(404)
