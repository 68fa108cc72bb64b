"""Shipments, carriers and tracking events."""

from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "logistics"

    def ready(self) -> None:
        from logistics import events  # noqa: F401  (registers the subscribers)
