"""A seller is a user who lists products under a store name, with the store's policies: handling time,
return window and the address returns go to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

# The policies' ranges, held by CHECK constraints too.
MAX_HANDLING_DAYS = 30
MAX_RETURN_WINDOW_DAYS = 365


class Seller(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seller")
    store_name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    contact_email = models.EmailField()
    low_stock_threshold = models.PositiveIntegerField(
        default=5, help_text="Default level at or below which the seller is alerted about a product."
    )
    handling_days = models.PositiveSmallIntegerField(
        default=1, help_text="Business days the seller takes to ship a paid order; every ETA of their lines adds them."
    )
    return_window_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days after delivery returns are accepted; empty: RETURN_WINDOW_DAYS; 0: no returns.",
    )
    return_address = models.TextField(blank=True, help_text="Where approved returns are sent, shown to the buyer.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("store_name"), name="sellers_store_name_ci_unique"),
            models.CheckConstraint(
                condition=Q(handling_days__lte=MAX_HANDLING_DAYS), name="sellers_handling_days_range"
            ),
            models.CheckConstraint(
                condition=Q(return_window_days__isnull=True) | Q(return_window_days__lte=MAX_RETURN_WINDOW_DAYS),
                name="sellers_return_window_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.store_name

    @property
    def return_window(self) -> int:
        """Days after delivery the seller takes returns: their own window, else RETURN_WINDOW_DAYS (0: none)."""
        return settings.RETURN_WINDOW_DAYS if self.return_window_days is None else self.return_window_days

    @property
    def return_instructions(self) -> str:
        """Where the buyer sends an approved return: the return address, else who will tell them."""
        return self.return_address or (
            f"The seller will send you return instructions; you can reach them at {self.contact_email}."
        )
