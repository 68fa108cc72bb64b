"""catalog.services for products, beyond what the API tests cover: transactions and the admin's sync."""

from decimal import Decimal

from django.db import transaction
import pytest

from catalog import services
from catalog.errors import DuplicateSku, InvalidField, NotProductOwner
from catalog.models import Product, ProductImage, Variant
from inventory.models import StockLevel
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_create_product_is_one_use_case_and_refuses_to_run_inside_another_transaction():
    seller = SellerFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_product(seller=seller, name="Nested", price=Decimal("1.00"))


def test_a_refused_product_writes_nothing():
    VariantFactory(sku="TAKEN")
    seller = SellerFactory()
    with pytest.raises(DuplicateSku) as raised:
        services.create_product(
            seller=seller,
            name="Pair",
            variants=[
                {"sku": "NEW", "options": {"size": "S"}, "price": Decimal(1)},
                {"sku": "TAKEN", "options": {"size": "M"}, "price": Decimal(2)},
            ],
        )
    assert raised.value.extra["errors"] == {"variants.1.sku": ["Another variant in the store already uses this SKU."]}
    assert not Product.objects.filter(seller=seller).exists()
    assert not Variant.objects.filter(sku="NEW").exists()


def test_product_price_is_the_lowest_variant_price_after_each_change():
    seller = SellerFactory()
    product = services.create_product(
        seller=seller,
        name="Tee",
        variants=[
            {"sku": "T-S", "options": {"size": "S"}, "price": Decimal("12.00")},
            {"sku": "T-M", "options": {"size": "M"}, "price": Decimal("10.00")},
        ],
    )
    assert product.price == Decimal("10.00")
    services.update_variant(product_id=product.pk, sku="T-M", actor=seller.user, price=Decimal("15.00"))
    product.refresh_from_db()
    assert product.price == Decimal("12.00")


def test_only_the_owner_changes_a_product():
    product = ProductFactory()
    with pytest.raises(NotProductOwner):
        services.update_product(product_id=product.pk, actor=SellerFactory().user, name="Mine now")
    with pytest.raises(NotProductOwner):
        services.archive_product(product_id=product.pk, actor=None)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"size": ""}, "options.size"),
        ({"size": True}, "options.size"),
        ({"": "M"}, "options"),
        ({"Size": "M", "size": "L"}, "options"),
        ("M", "options"),
    ],
)
def test_options_must_be_an_object_of_text(options, field):
    with pytest.raises(InvalidField) as raised:
        services.normalized_options(options)
    assert field in raised.value.extra["errors"]


def test_the_admin_sync_normalizes_options_and_recomputes_what_the_services_keep():
    shoes = CategoryFactory(name="Shoes")
    product = ProductFactory(category=shoes, category_text="", price=Decimal("99.00"), default_variant=False)
    Variant.objects.create(product=product, sku="RAW", options={" Size ": "M ", "COLOR": "Blue"}, price=Decimal("7"))

    services.sync_product(product_id=product.pk)

    product.refresh_from_db()
    variant = Variant.objects.get(sku="RAW")
    assert (product.price, product.category_text) == (Decimal("7.00"), "Shoes")
    assert (variant.options, variant.size, variant.color) == ({"color": "Blue", "size": "M"}, "M", "Blue")


def test_the_admin_sync_gives_a_product_without_variants_its_default_one():
    product = ProductFactory(default_variant=False, price=Decimal("3.00"))
    services.sync_product(product_id=product.pk)
    variant = Variant.objects.get(product=product)
    assert (variant.options, variant.price) == ({}, Decimal("3.00"))
    assert StockLevel.objects.get(variant=variant).on_hand == 0
    assert not ProductImage.objects.exists()
