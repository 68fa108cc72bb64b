"""Side effects leaving a transaction go through the outbox or the one door (shop.side_effects.after_commit) under a
named reason: the outbox's sends, the simulated carrier's steps and the test gateway's webhook. A broker that refuses
them is logged and counted under that reason, and never fails the change that is already committed."""

from decimal import Decimal

from django.db import transaction
from prometheus_client import REGISTRY
import pytest

from logistics import services as logistics_services
from logistics.models import Shipment
from payments import services as payment_services
from payments.models import Payment
from shop import events, side_effects
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory

pytestmark = pytest.mark.django_db

EVENT = "outbox_test.side_effect"
events.declare_event(EVENT, description="The side-effect tests' event.", fields={"n": int})


@pytest.fixture
def reasons(monkeypatch):
    """The reason of every side effect run after commit, in order; the effects still run."""
    seen = []
    original = side_effects.run_side_effect

    def spy(reason, effect):
        seen.append(reason)
        return original(reason, effect)

    monkeypatch.setattr(side_effects, "run_side_effect", spy)
    return seen


@pytest.fixture
def pending_shipment() -> Shipment:
    shipment = ShipmentFactory()
    ShipmentLineFactory(shipment=shipment)
    return shipment


def failures(reason: str) -> float:
    return REGISTRY.get_sample_value("shop_side_effect_failures_total", {"reason": reason}) or 0.0


def test_the_outbox_hands_its_deliveries_to_the_broker_through_the_door(reasons, django_capture_on_commit_callbacks):
    events.subscriber(EVENT, name="outbox_test.ignore")(lambda **_: None)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            events.publish(EVENT, n=1)
    finally:
        events.unsubscribe(EVENT, name="outbox_test.ignore")
    assert reasons == ["events.send"]


def test_the_simulated_carrier_schedules_its_steps_through_the_door(
    pending_shipment, reasons, monkeypatch, django_capture_on_commit_callbacks
):
    from logistics import tasks

    steps = []
    monkeypatch.setattr(tasks.advance_simulated_shipment, "apply_async", lambda **kw: steps.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        logistics_services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="simulated")
    assert "logistics.simulated_carrier" in reasons
    assert len(steps) == 3


def test_a_broker_refusing_the_test_webhook_is_counted_and_the_payment_stays_pending(
    reasons, monkeypatch, django_capture_on_commit_callbacks
):
    from payments import tasks

    def down(**_):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_test_webhook, "apply_async", down)
    before = failures("payments.test_webhook")
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_services.charge(
            order_id="ord_door", amount=Decimal("5.00"), currency="USD", payment_token="tok_async", attempt_key="a-1"
        )
    assert "payments.test_webhook" in reasons
    assert failures("payments.test_webhook") == before + 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
