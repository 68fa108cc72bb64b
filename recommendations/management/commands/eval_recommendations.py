"""Offline evaluation: learn from the older purchases, predict the newer ones, and compare with baselines.

``python manage.py eval_recommendations`` evaluates on the paid order history; ``--demo`` on the
structured demo history of the current catalog (recommendations.demo), the one docs/PERFORMANCE.md
reports. Prints hit rate and recall@k of the item-to-item model, popularity and random.
"""

from django.core.management.base import BaseCommand

from orders import selectors as order_selectors
from recommendations import demo, evaluation

DEMO_SHOPPERS = 200  # as many as seed_demo makes


class Command(BaseCommand):
    help = "Split the purchase history by time, learn from the past, report hit rate and recall@k on the future."

    def add_arguments(self, parser):
        parser.add_argument("--k", type=int, default=10, help="Recommendations per customer (default 10).")
        parser.add_argument(
            "--future", type=float, default=0.2, help="Share of the history, newest, to predict (default 0.2)."
        )
        parser.add_argument(
            "--demo", action="store_true", help="Evaluate on the structured demo history instead of the orders."
        )

    def handle(self, *args, k: int, future: float, demo: bool, **options):
        if demo:
            purchases = self._demo_history()
            source = f"the structured demo history ({DEMO_SHOPPERS} shoppers over the current catalog)"
        else:
            purchases = [
                evaluation.Purchase(user_id=buyer, product_id=product, at=at, basket=order)
                for buyer, product, at, order in order_selectors.paid_purchases()
            ]
            source = "the paid order history"
        scores = evaluation.evaluate(purchases, k=k, future_share=future)
        tested = scores[0].customers if scores else 0
        self.stdout.write(
            f"{len(purchases)} purchases from {source}; the newest {future:.0%} predicted; {tested} customers tested.\n"
        )
        self.stdout.write(f"{'recommender':<24}{'hit rate':>10}{f'recall@{k}':>12}")
        for score in scores:
            self.stdout.write(f"{score.name:<24}{score.hit_rate:>10.3f}{score.recall:>12.3f}")
        if not tested:
            self.stdout.write("No customer bought both before and after the split: nothing to measure.")

    @staticmethod
    def _demo_history() -> list:
        return demo.structured_history(demo.demo_products(), list(range(1, DEMO_SHOPPERS + 1)))
