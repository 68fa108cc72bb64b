"""The category tree, read once and cached: listing a category includes all its descendants."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache

from catalog.errors import CategoryNotFound
from catalog.models import Category

TREE_CACHE_KEY = "catalog:category-tree:v1"
TREE_CACHE_SECONDS = 300


@dataclass
class CategoryNode:
    id: int
    parent_id: int | None
    name: str
    slug: str
    path_names: str
    depth: int
    position: int
    children: list[int] = field(default_factory=list)


def category_tree() -> dict[int, CategoryNode]:
    """Every category by id, with its children's ids, from the cache (rebuilt after any change)."""
    tree = cache.get(TREE_CACHE_KEY)
    if tree is None:
        tree = {
            c.id: CategoryNode(c.id, c.parent_id, c.name, c.slug, c.path_names, c.depth, c.position)
            for c in Category.objects.order_by("position", "name")
        }
        for node in tree.values():
            if node.parent_id in tree:
                tree[node.parent_id].children.append(node.id)
        cache.set(TREE_CACHE_KEY, tree, TREE_CACHE_SECONDS)
    return tree


def forget_category_tree() -> None:
    """Called by catalog.services after any category change."""
    cache.delete(TREE_CACHE_KEY)


def descendant_ids(*, category_id: int) -> list[int]:
    """The category and every category below it, at any depth."""
    tree = category_tree()
    if category_id not in tree:
        return []
    found, stack = [], [category_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(tree[current].children)
    return found


def ancestors(*, category_id: int) -> list[CategoryNode]:
    """From the root down to the category itself, for breadcrumbs."""
    tree = category_tree()
    chain = []
    current = tree.get(category_id)
    while current is not None:
        chain.append(current)
        current = tree.get(current.parent_id) if current.parent_id else None
    return list(reversed(chain))


def category_by_slug_or_id(value: str | int) -> CategoryNode:
    """The API's ``category`` parameter takes a slug or an id; raises CategoryNotFound."""
    tree = category_tree()
    text = str(value).strip()
    if text.isdigit() and int(text) in tree:
        return tree[int(text)]
    for node in tree.values():
        if node.slug == text:
            return node
    raise CategoryNotFound()


def top_level_categories() -> list[CategoryNode]:
    return [node for node in category_tree().values() if node.parent_id is None]
