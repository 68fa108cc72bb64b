"""The event catalogue: publish refuses an undeclared event or a payload that does not fit its declaration, the
store's subscribers are named and subscribe to declared events, and a delivery finds its handler by the stable name
it keeps, whatever the handler's function is called now."""

import re

from django.db import transaction
from django.utils import timezone
import pytest

from shop import events
from shop.models import EventDelivery, OutboxEvent

EVENT = "catalogue_test.happened"
Status = EventDelivery.Status

DECLARED = events.declare_event(
    EVENT,
    description="The catalogue tests' event.",
    fields={"order_id": str, "quantity": int, "line_ids": list[int], "refund": str | None},
    optional={"note": str},
    version=2,
)
GOOD = {"order_id": "ord_1", "quantity": 2, "line_ids": [1, 2], "refund": None}

pytestmark = pytest.mark.django_db


@pytest.fixture
def unsent(monkeypatch):
    """Deliveries are written but not handed to Celery: the test delivers them itself."""
    monkeypatch.setattr(events, "send", lambda delivery_ids, **_: 0)


# --- Publish refuses what the catalogue does not know --------------------------------------------


def test_an_undeclared_event_is_refused_at_publish_and_nothing_is_written():
    with pytest.raises(ValueError, match=re.escape("Unknown event 'catalogue_test.nobody_declared'")):
        events.publish("catalogue_test.nobody_declared", order_id="ord_1")
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({k: v for k, v in GOOD.items() if k != "quantity"}, "missing 'quantity'"),
        ({**GOOD, "colour": "red"}, "unknown 'colour'"),
        ({**GOOD, "quantity": "2"}, "'quantity' must be int, not str"),
        ({**GOOD, "quantity": True}, "'quantity' must be int, not bool"),
        ({**GOOD, "line_ids": [1, "2"]}, "'line_ids' must be list[int], not list"),
        ({**GOOD, "order_id": None}, "'order_id' must be str, not NoneType"),
        ({**GOOD, "note": 5}, "'note' must be str, not int"),
    ],
    ids=["missing", "extra", "wrong-type", "bool-for-int", "bad-list-item", "none-for-str", "bad-optional"],
)
def test_a_payload_that_does_not_fit_the_declaration_is_refused_at_publish(payload, problem):
    with pytest.raises(TypeError, match=re.escape(problem)):
        events.publish(EVENT, **payload)
    assert not OutboxEvent.objects.exists()


def test_every_problem_of_a_payload_is_named_at_once():
    with pytest.raises(TypeError) as refused:
        events.publish(EVENT, order_id=1, quantity=2, line_ids=[], colour="red")
    message = str(refused.value)
    assert "missing 'refund'" in message
    assert "unknown 'colour'" in message
    assert "'order_id' must be str" in message


def test_a_fitting_payload_is_written_with_its_declared_version():
    events.publish(EVENT, **GOOD)
    events.publish(EVENT, **{**GOOD, "refund": "4.50", "note": "optional fields may be given"})
    assert list(OutboxEvent.objects.values_list("version", flat=True)) == [2, 2]


def test_declaring_an_unsupported_field_type_fails_at_once():
    with pytest.raises(TypeError, match="Unsupported event field type"):
        events.declare_event("catalogue_test.bad", description="", fields={"when": timezone.datetime})


def test_an_event_declared_by_another_app_cannot_be_declared_again():
    with pytest.raises(ValueError, match="already declared by 'orders'"):
        events.declare_event("order.paid", description="", fields={})


# --- The store's own catalogue -------------------------------------------------------------------


def test_every_subscriber_of_the_store_listens_to_a_declared_event():
    assert events.check_catalogue() == []


def test_every_publisher_of_the_store_sends_declared_events():
    """The apps' publish calls are checked at runtime; here the names every app subscribes to or documents."""
    names = {event.name for event in events.catalogue()}
    assert {"order.paid", "payment.succeeded", "shipment.updated", "stock.low", "return.received"} <= names
    paid = events.event_type("order.paid")
    assert (paid.publisher, paid.version) == ("orders", 1)


def test_the_store_subscribers_are_named_after_their_app():
    for event in events.subscribed_events():
        for subscription in events.subscriptions(event):
            app = subscription.module.split(".")[0]
            if app != "tests":
                assert subscription.name.startswith(f"{app}."), subscription


def test_every_subscriber_path_of_the_last_release_maps_to_a_registered_name():
    """Deliveries written before names existed keep the handler's dotted path: the migration renames them all."""
    from importlib import import_module

    renamed = import_module("shop.migrations.0003_event_catalogue").RENAMED
    registered = {s.name for event in events.subscribed_events() for s in events.subscriptions(event)}
    assert set(renamed.values()) <= registered
    assert len(renamed) == len(set(renamed.values())) == 19


def test_a_subscriber_name_is_checked():
    with pytest.raises(ValueError, match="not of the form"):
        events.subscriber(EVENT, name="Bad Name")


def test_two_handlers_cannot_share_one_name():
    def first(**_):
        pass

    def second(**_):
        pass

    events.subscriber(EVENT, name="catalogue_test.shared")(first)
    try:
        with pytest.raises(ValueError, match="already"):
            events.subscriber(EVENT, name="catalogue_test.shared")(second)
    finally:
        events.unsubscribe(EVENT, name="catalogue_test.shared")


# --- Stable names ----------------------------------------------------------------------------------


def test_a_pending_delivery_reaches_its_handler_by_name_after_the_handler_is_renamed(unsent):
    handled = []

    def handle_happened(*, event_id, **payload):
        handled.append(("old", payload["order_id"]))

    events.subscriber(EVENT, name="catalogue_test.record")(handle_happened)
    try:
        with transaction.atomic():
            events.publish(EVENT, **GOOD)
        delivery = EventDelivery.objects.get()
        assert delivery.subscriber == "catalogue_test.record"  # the name, not the function's dotted path

        # A new release: the function is renamed (and could move to another module); its name stays.
        events.unsubscribe(EVENT, name="catalogue_test.record")

        def record_happened_order(*, event_id, **payload):
            handled.append(("renamed", payload["order_id"]))

        events.subscriber(EVENT, name="catalogue_test.record")(record_happened_order)
        assert events.deliver(delivery_id=delivery.pk) == "done"
    finally:
        events.unsubscribe(EVENT, name="catalogue_test.record")
    assert handled == [("renamed", "ord_1")]
    delivery.refresh_from_db()
    assert delivery.status == Status.DONE


def test_a_subscriber_of_an_undeclared_event_fails_the_system_check():
    from django.core.checks import run_checks

    events.subscriber("catalogue_test.never_declared", name="catalogue_test.orphan")(lambda **_: None)
    try:
        errors = [error for error in run_checks() if error.id == "shop.E101"]
    finally:
        events.unsubscribe("catalogue_test.never_declared", name="catalogue_test.orphan")
    assert [error.msg for error in errors] == [
        "catalogue_test.orphan (tests.shop.test_event_catalogue) subscribes to undeclared event "
        "'catalogue_test.never_declared'"
    ]
    assert [error.id for error in run_checks() if error.id == "shop.E101"] == []
