"""What the recommendations learn: products bought in the same order or by the same customers, shoppers' recent
views, cart adds and searches, the similar items derived from them, and daily view counts."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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


class CustomerItem(models.Model):
    """``user`` paid for ``product`` at least once: the per-customer item sets that item-to-item similarity
    compares ("bought by the same customers", not only in the same order)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    first_bought_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="reco_customeritem_unique"),
        ]
        indexes = [models.Index(fields=["product"], name="reco_customeritem_product")]

    def __str__(self) -> str:
        return f"{self.user_id} bought {self.product_id}"


class HistoryEntry(models.Model):
    """A signed-in shopper's recent interest in a product: viewed it, or added it to the cart. Bounded: only the
    last few per user and kind are kept (services.HISTORY_LIMITS); the user can clear them."""

    class Kind(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        CART = "cart", "Added to cart"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "product"], name="reco_history_unique"),
        ]
        indexes = [
            models.Index(fields=["user", "kind", "-at"], name="reco_history_recent"),
            models.Index(fields=["product", "kind"], name="reco_history_product"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.product_id}"


class SearchEntry(models.Model):
    """A signed-in shopper's recent search (bounded like HistoryEntry, cleared with it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "query"], name="reco_search_unique")]
        indexes = [models.Index(fields=["user", "-at"], name="reco_search_recent")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.query}"


class SimilarItem(models.Model):
    """``together`` people have both products in their item sets of ``source`` (bought, or recently viewed);
    ``score`` is the cosine: together / sqrt(people(product) x people(other)). Stored in both directions."""

    class Source(models.TextChoices):
        BOUGHT = "bought", "Bought by the same customers"
        VIEWED = "viewed", "Viewed by the same shoppers"

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=8, choices=Source.choices)
    together = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "other", "source"], name="reco_similar_unique"),
        ]
        indexes = [
            models.Index(fields=["product", "source", "-score"], name="reco_similar_ranking"),
            models.Index(fields=["other", "source"], name="reco_similar_other"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ~ {self.other_id} ({self.source}): {self.score:.3f}"


class DailyViews(models.Model):
    """How many times a product was viewed on a day, by anyone (guests included): nothing personal, for trending."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "day"], name="reco_dailyviews_unique")]
        indexes = [models.Index(fields=["day"], name="reco_dailyviews_day")]

    def __str__(self) -> str:
        return f"{self.product_id} on {self.day}: {self.views}"
