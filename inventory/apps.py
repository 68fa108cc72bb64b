from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"

    def ready(self) -> None:
        # Registers the moments at which stock changes by itself (holds lapsing) with the public cache.
        from inventory import selectors  # noqa: F401
