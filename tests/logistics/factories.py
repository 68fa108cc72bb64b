import datetime as dt

import factory

from logistics.models import Shipment, ShipmentLine
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order_id = factory.Sequence(lambda n: f"ord_test{n}")
    buyer = factory.SubFactory(UserFactory)
    seller = factory.SubFactory(SellerFactory)
    shipping_method = "standard"
    eta = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))


class ShipmentLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShipmentLine

    shipment = factory.SubFactory(ShipmentFactory)
    order_line_id = factory.Sequence(lambda n: 900_000 + n)
    product_name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    quantity = 1
