"""docs/ARCHITECTURE.md's event catalogue is what tools/event_catalogue.py writes from the declarations."""

from tools import event_catalogue


def test_the_architecture_document_lists_the_catalogue_as_declared():
    current = event_catalogue.DOCUMENT.read_text()
    assert event_catalogue.rewrite(current) == current, "out of date: run .venv/bin/python tools/event_catalogue.py"


def test_the_generated_section_names_every_event_with_its_publisher_and_subscribers():
    section = event_catalogue.render()
    assert "| `order.paid` | 1 |" in section
    assert "`logistics.create_shipments_for_paid_order`" in section
    assert "`inventory.email_low_stock_alert`" in section
    assert "catalogue_test" not in section  # tests' own events are left out
    assert "outbox_test" not in section
