"""A seller is a user who lists products under a store name."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Seller(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seller")
    store_name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    contact_email = models.EmailField()
    low_stock_threshold = models.PositiveIntegerField(
        default=5, help_text="Default level at or below which the seller is alerted about a product."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("store_name"), name="sellers_store_name_ci_unique")]

    def __str__(self) -> str:
        return self.store_name
