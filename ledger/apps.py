from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "Marketplace money"

    def ready(self) -> None:
        from ledger import events  # noqa: F401  (registers the event subscribers)
