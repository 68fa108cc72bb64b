import factory

from sellers.models import Seller
from tests.accounts.factories import UserFactory


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller

    user = factory.SubFactory(UserFactory)
    store_name = factory.Sequence(lambda n: f"Store {n}")
    slug = factory.Sequence(lambda n: f"store-{n}")
    contact_email = factory.LazyAttribute(lambda s: s.user.email)
