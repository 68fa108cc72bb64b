"""Demo stores for seed_demo, created in bulk (``become_seller`` handles one signed-in user at a time)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from sellers.models import Seller


@dataclass(frozen=True)
class DemoStore:
    store_name: str
    description: str
    sells: tuple[str, ...]  # slugs of the top-level catalog categories it lists products in


# Nineteen generated stores; the documented demo seller ("Sam's Goods") is the twentieth.
DEMO_STORES = (
    DemoStore("Northwind Electronics", "Phones, laptops and the cables you forgot.", ("electronics",)),
    DemoStore("Pixel Harbor", "Cameras and lenses tested by working photographers.", ("electronics",)),
    DemoStore("Volt & Wire", "Audio, TVs and smart gadgets at honest prices.", ("electronics",)),
    DemoStore("Threadline", "Everyday clothing in natural fibres.", ("clothing",)),
    DemoStore("Urban Loom", "Streetwear and denim, cut in small batches.", ("clothing", "shoes")),
    DemoStore("Maple & Moss", "Cosy knitwear and outdoor layers.", ("clothing", "sports-outdoors")),
    DemoStore("Stride Supply", "Running shoes and trail gear.", ("shoes", "sports-outdoors")),
    DemoStore("Cobbler's Corner", "Boots and leather shoes that last.", ("shoes",)),
    DemoStore("Hearth & Table", "Cookware and kitchen tools for home cooks.", ("home-kitchen",)),
    DemoStore("Nordic Nest", "Furniture, lighting and calm interiors.", ("home-kitchen",)),
    DemoStore("Summit Outfitters", "Camping, cycling and fitness equipment.", ("sports-outdoors",)),
    DemoStore("Page Turner Books", "New releases and timeless classics.", ("books",)),
    DemoStore("Inkwell & Co.", "Cookbooks, science and stories for children.", ("books",)),
    DemoStore("Playful Planet", "Board games, puzzles and building sets.", ("toys-games",)),
    DemoStore("Little Wonders", "Toys and books for curious kids.", ("toys-games", "books")),
    DemoStore("Glow Apothecary", "Skincare and fragrance, cruelty-free.", ("beauty",)),
    DemoStore("Velvet Beauty", "Make-up and hair care from independent labs.", ("beauty",)),
    DemoStore("Bright Home Goods", "Bedding, decor and small appliances.", ("home-kitchen", "beauty")),
    DemoStore(
        "Everyday Market", "A little of everything, shipped fast.", ("electronics", "home-kitchen", "toys-games")
    ),
)


def ensure_sellers(*, owners: list[tuple[int, str, DemoStore]]) -> dict[int, int]:
    """Give each (user id, e-mail, store) its seller profile if missing; returns seller ids by user id.

    A store whose name or slug another seller already took is skipped, not renamed.
    """
    user_ids = [user_id for user_id, _, _ in owners]
    have = set(Seller.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    Seller.objects.bulk_create(
        [
            Seller(
                user_id=user_id,
                store_name=store.store_name,
                slug=slugify(store.store_name),
                description=store.description,
                contact_email=email,
            )
            for user_id, email, store in owners
            if user_id not in have
        ],
        ignore_conflicts=True,
    )
    return dict(Seller.objects.filter(user_id__in=user_ids).values_list("user_id", "id"))
