import factory

from cart.models import Cart, CartItem
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory


class CartFactory(factory.django.DjangoModelFactory):
    """A signed-in user's cart; ``user=None`` makes a guest's."""

    class Meta:
        model = Cart

    user = factory.SubFactory(UserFactory)


class CartItemFactory(factory.django.DjangoModelFactory):
    """A line written directly (no stock check): for setting up carts, not for testing the rules."""

    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(VariantFactory, stock=10)
    quantity = 1
    unit_price_at_add = factory.LazyAttribute(lambda item: item.variant.price)
