from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from catalog.services import register_affinity_provider
        from recommendations import events  # noqa: F401  (registers the event subscribers)
        from recommendations.selectors import affinity
        from recommendations.services import record_activity
        from shop import activity

        register_affinity_provider(affinity)  # personal search: equally relevant results by taste
        activity.register_listener(record_activity)  # cart adds and searches, recorded by the cart and catalog apps
