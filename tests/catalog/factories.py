from decimal import Decimal

from django.utils.text import slugify
import factory

from catalog.models import Category, Product, ProductImage, Review, Variant, VerifiedPurchase
from inventory import services as inventory_services
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    """A category with its path and depth filled in as catalog.services would."""

    class Meta:
        model = Category

    parent = None
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    path_names = factory.LazyAttribute(lambda c: f"{c.parent.path_names} > {c.name}" if c.parent else c.name)
    depth = factory.LazyAttribute(lambda c: c.parent.depth + 1 if c.parent else 0)


class ProductFactory(factory.django.DjangoModelFactory):
    """An active product. It gets one default variant with 5 units unless ``default_variant=False``;
    ``default_variant__stock=0`` changes the units."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    seller = factory.SubFactory(SellerFactory)
    category = None
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.name))
    brand = ""
    price = Decimal("10.00")
    category_text = factory.LazyAttribute(lambda p: p.category.path_names if p.category else "")

    @factory.post_generation
    def default_variant(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        VariantFactory(product=obj, price=obj.price, stock=kwargs.get("stock", 5))


class VariantFactory(factory.django.DjangoModelFactory):
    """A variant; ``stock=N`` gives it N units on hand (through inventory.services, with a ledger row)."""

    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory, default_variant=False)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    options = factory.LazyFunction(dict)
    size = factory.LazyAttribute(lambda v: v.options.get("size", ""))
    color = factory.LazyAttribute(lambda v: v.options.get("color", ""))
    price = factory.LazyAttribute(lambda v: v.product.price)
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def stock(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            inventory_services.set_initial_stock(quantities={obj.pk: extracted})


class ProductImageFactory(factory.django.DjangoModelFactory):
    """An image row pointing at a file name (no file is written)."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.Sequence(lambda n: f"products/test/{n}.jpg")
    thumbnail = factory.Sequence(lambda n: f"products/test/{n}-400.webp")
    width = 800
    height = 600
    alt_text = factory.LazyAttribute(lambda i: i.product.name)
    position = factory.Sequence(lambda n: n)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review row only; the product's rating follows only through catalog.services.write_review."""

    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    user = factory.SubFactory(UserFactory)
    rating = 4
    title = "Good"
    body = "Does what it says."


class VerifiedPurchaseFactory(factory.django.DjangoModelFactory):
    """A buyer who received the product, as the orders app's "order.lines_delivered" records it."""

    class Meta:
        model = VerifiedPurchase

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    event_id = factory.Sequence(lambda n: f"evt_delivered_{n}")


def verified_buyer(product, user=None, **user_fields):
    """``user`` (a new one by default) having received ``product``, so that catalog.services.write_review
    accepts their review."""
    return VerifiedPurchaseFactory(product=product, user=user or UserFactory(**user_fields)).user
