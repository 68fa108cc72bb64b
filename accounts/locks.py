"""Row locks of the accounts app, in one place (callers hold the transaction)."""

from accounts.models import User


def lock_address_book(*, user_id: int) -> None:
    """Serialize writes to one user's address book by locking the user's row until commit."""
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
