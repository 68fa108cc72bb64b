"""Buyers' reviews of a product, and the rating and review count they add up to; who received which product
(told by the orders app's events), since only those buyers may review it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from catalog import locks
from catalog.errors import AlreadyReviewed, InvalidField, NotAVerifiedBuyer, OwnProductReview, ProductNotFound
from catalog.models import Product, Review, VerifiedPurchase
from catalog.search import index_events
from catalog.selectors import has_received
from catalog.services.checks import CENT
from catalog.services.scopes import named_product
from shop.public_cache import bumps


@bumps("catalog", products=named_product)
def write_review(*, product_id: int, user, rating: int, title: str, body: str = "") -> Review:
    """A buyer who received the product rates it 1-5 with a title and text (a "verified purchase"); the
    product's average and count follow.

    Raises ProductNotFound (also for drafts), OwnProductReview for the product's seller, AlreadyReviewed
    for a second review by the same buyer, NotAVerifiedBuyer (403) for anyone without a delivered order
    line of the product, InvalidField for a rating outside 1-5 or a blank title.
    """
    if not 1 <= rating <= 5:
        raise InvalidField("Rate from 1 to 5.", field="rating")
    title = (title or "").strip()
    if not title:
        raise InvalidField("This field may not be blank.", field="title")
    try:
        with transaction.atomic(durable=True):
            # The product row lock serializes reviews of one product, so the aggregate is never stale.
            product = locks.lock_product(product_id=product_id)
            if product is None or product.status == Product.Status.DRAFT:
                raise ProductNotFound()
            if product.seller.user_id == user.pk:
                raise OwnProductReview()
            if Review.objects.filter(product_id=product.pk, user_id=user.pk).exists():
                raise AlreadyReviewed()
            if not has_received(user_id=user.pk, product_id=product.pk):
                raise NotAVerifiedBuyer()
            review = Review.objects.create(
                product=product,
                user=user,
                rating=rating,
                title=title,
                body=(body or "").strip(),
                verified_purchase=True,
            )
            refresh_rating(product)
    except IntegrityError:
        if Review.objects.filter(product_id=product_id, user_id=user.pk).exists():
            raise AlreadyReviewed() from None
        raise
    return review


def refresh_rating(product: Product) -> None:
    """Recompute the product's average rating and review count; the caller holds the product row lock."""
    summary = Review.objects.filter(product_id=product.pk).aggregate(average=Avg("rating"), count=Count("id"))
    product.rating = Decimal(summary["average"] or 0).quantize(CENT)
    product.review_count = summary["count"]
    product.save(update_fields=["rating", "review_count", "updated_at"])
    index_events.products_changed([product.pk])


@bumps("catalog", products=named_product)
def sync_product_rating(*, product_id: int) -> None:
    """Recompute a product's rating and review count after reviews were changed directly (the admin)."""
    with transaction.atomic():
        product = locks.lock_product(product_id=product_id)
        if product is not None:
            refresh_rating(product)


def record_received(*, event_id: str, user_id: int, product_ids: Iterable[int]) -> None:
    """The buyer received these products: they may now review them. A product already recorded for them (a
    second purchase, a redelivered event) keeps its first row, so running it twice changes nothing."""
    VerifiedPurchase.objects.bulk_create(
        [
            VerifiedPurchase(user_id=user_id, product_id=product_id, event_id=event_id)
            for product_id in sorted(set(product_ids))
        ],
        ignore_conflicts=True,
    )
