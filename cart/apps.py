"""One server-side cart per user on every device; guest carts merged at sign-in."""

from django.apps import AppConfig
import structlog

logger = structlog.get_logger(__name__)


def merge_guest_cart_at_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a guest's cart joins the user's cart (Django keeps session data at sign-in).

    A failed merge is logged and never stops the sign-in itself.
    """
    if request is None:
        return
    from cart import services

    try:
        services.merge_session_cart(request=request, user=user)
    except Exception:
        logger.exception("cart.merge_failed", user_id=user.pk)


class CartConfig(AppConfig):
    name = "cart"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(merge_guest_cart_at_sign_in, dispatch_uid="cart.merge_guest_cart_at_sign_in")
