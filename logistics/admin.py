"""Staff admin for logistics: read-only, since shipments change only through logistics.services."""

from django.contrib import admin

from logistics.models import CarrierWebhookReceipt, Shipment, ShipmentLine, TrackingEvent
from shop.admin import ReadOnlyAdmin, ReadOnlyInline


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ["order_line_id", "sku", "product_name", "quantity", "cancelled", "cancelled_at"]
    readonly_fields = fields


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ["at", "status", "location", "description"]
    readonly_fields = fields


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "order_id", "seller", "status", "carrier", "tracking_number", "eta", "created_at"]
    list_filter = ["status", "carrier"]
    search_fields = ["id", "order_id", "tracking_number"]
    list_select_related = ["seller"]
    inlines = [ShipmentLineInline, TrackingEventInline]


@admin.register(CarrierWebhookReceipt)
class CarrierWebhookReceiptAdmin(ReadOnlyAdmin):
    list_display = ["carrier", "event_id", "duplicate", "received_at"]
    search_fields = ["event_id"]
