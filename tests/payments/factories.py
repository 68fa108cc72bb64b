from decimal import Decimal

import factory

from payments.models import Payment


class PaymentFactory(factory.django.DjangoModelFactory):
    """A captured payment (status succeeded) unless told otherwise."""

    class Meta:
        model = Payment

    order_id = factory.Sequence(lambda n: f"ord_test{n:06d}")
    attempt_key = factory.Sequence(lambda n: f"attempt-{n}")
    amount = Decimal("100.00")
    currency = "USD"
    gateway = "test"
    status = Payment.Status.SUCCEEDED
    gateway_reference = factory.Sequence(lambda n: f"ch_factory_{n}")
