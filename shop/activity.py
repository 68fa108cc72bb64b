"""What shoppers do on the storefront and through the API (a product added to the cart, a search), told to the
app that learns from it.

The apps where it happens (cart, catalog) sit below the one that learns (recommendations) and must not import
it, and an outbox event per search would write a row per keystroke-sized request. So the learning app registers
one listener at start-up (``register_listener``, in its AppConfig.ready()) and the views call ``record`` once the
shopper's action succeeded. A listener is cheap and never raises into the page: whatever goes wrong in it is
logged and the request goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from django.http import HttpRequest
import structlog

logger = structlog.get_logger(__name__)

Kind = Literal["cart_add", "search"]
Listener = Callable[..., None]  # listener(*, kind, value, user, session_key)

_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    """Call ``listener(kind=, value=, user=, session_key=)`` for every recorded action (once per function)."""
    if listener not in _listeners:
        _listeners.append(listener)


def record(*, request: HttpRequest, kind: Kind, value: int | str) -> None:
    """Tell the listeners that this request's shopper did ``kind`` (a product id added to the cart, a search's
    text): the signed-in user, or a guest by their session (none is created here)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    session = getattr(request, "session", None)
    session_key = None
    if not signed_in and session is not None:
        if session.session_key is None and not session.is_empty():
            session.save()  # a guest's first cart add filled a new session: the middleware saves it again at the end
        session_key = session.session_key
    if not signed_in and not session_key:
        return  # a visitor without a session: nothing to remember them by
    for listener in _listeners:
        try:
            listener(kind=kind, value=value, user=user if signed_in else None, session_key=session_key)
        except Exception:  # a lost signal never breaks the shopper's page
            logger.exception("activity.listener_failed", kind=kind)
