"""Errors raised by the catalog services and selectors."""

from shop.errors import DomainError, FieldConflict, NotFound, PermissionDenied


class CategoryNotFound(NotFound):
    default_message = "No such category."


class ProductNotFound(NotFound):
    default_message = "No such product."


class ImageNotFound(NotFound):
    default_message = "This product has no such image."


class VariantNotFound(NotFound):
    default_message = "This product has no variant with that SKU."


class InvalidField(FieldConflict):
    """A rule on one input field said no; ``field`` names it as the API does (``variants.2.sku``)."""

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        if field is not None:
            self.field = field
        super().__init__(message)


class UnknownCategory(InvalidField):
    field = "category"
    default_message = "No such category."


class DuplicateSku(InvalidField):
    field = "sku"
    default_message = "Another variant in the store already uses this SKU."


class DuplicateOptions(InvalidField):
    field = "options"
    default_message = "Another variant of this product already has these options."


class QuantityNeedsOneVariant(InvalidField):
    field = "quantity"
    default_message = "This product has several variants: set the quantity of each variant instead."


class InvalidImage(InvalidField):
    field = "image"
    default_message = "Upload a valid image (JPEG, PNG, GIF or WebP)."


class CategoryCycle(InvalidField):
    field = "parent"
    default_message = "A category cannot be moved below itself or one of its sub-categories."


class SlugTaken(InvalidField):
    field = "slug"
    default_message = "Another category already uses this slug."


class NotProductOwner(PermissionDenied):
    default_message = "Only the seller who owns this product can change it."


class AlreadyReviewed(DomainError):
    code = "already_reviewed"
    default_message = "You have already reviewed this product."


class OwnProductReview(PermissionDenied):
    code = "own_product"
    default_message = "Sellers cannot review their own products."


class NotAVerifiedBuyer(PermissionDenied):
    """Only a buyer who received the product (a delivered order line) may review it."""

    code = "not_a_verified_buyer"
    default_message = "Only buyers who received this product can review it."
