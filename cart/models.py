"""Carts: one per signed-in user (the same on every device), or a guest's, found through the session.

A line is one variant with a quantity; it remembers the price when it was added, so the cart can say
when the price has changed since. The checkout always charges the variant's current price.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Cart(models.Model):
    # NULL for a guest's cart, whose id lives in the guest's session until sign-in merges it.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Finding abandoned guest carts to purge.
            models.Index(fields=["updated_at"], condition=Q(user__isnull=True), name="cart_guest_updated"),
        ]

    def __str__(self) -> str:
        return f"cart {self.pk} of {self.user_id or 'a guest'}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price_at_add = models.DecimalField(max_digits=12, decimal_places=2)
    saved_for_later = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_item_quantity_positive"),
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_item_one_line_per_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x variant {self.variant_id}"
