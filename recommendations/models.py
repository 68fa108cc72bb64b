"""How often two products were bought in the same paid order, and which orders were already counted."""

from django.db import models


class CoPurchase(models.Model):
    """``orders`` paid orders contained both ``product`` and ``other`` (stored in both directions)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "other"], name="recommendations_copurchase_unique_pair"),
        ]
        indexes = [models.Index(fields=["product", "-orders", "other"], name="reco_copurchase_ranking")]

    def __str__(self) -> str:
        return f"{self.product_id} & {self.other_id}: {self.orders}"


class LearnedOrder(models.Model):
    """An order already counted into CoPurchase: a second delivery of its event changes nothing."""

    order_id = models.CharField(max_length=64, unique=True)
    learned_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.order_id
