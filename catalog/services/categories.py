"""The category tree: adding, renaming and moving categories, with paths and search text kept current."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from catalog import locks
from catalog.errors import CategoryCycle, SlugTaken, UnknownCategory
from catalog.models import Category, Product
from catalog.search import index_events
from catalog.selectors.categories import forget_category_tree
from catalog.services.checks import clean_name
from shop.public_cache import bumps
from shop.side_effects import after_commit, run_side_effect
from shop.slugs import unique_slug

CATEGORY_PATH_SEPARATOR = " > "


@bumps("catalog")
def create_category(
    *, name: str, parent_id: int | None = None, slug: str = "", description: str = "", position: int = 0
) -> Category:
    """Add a category (under ``parent_id``, or at the top); raises InvalidField, UnknownCategory or SlugTaken."""
    name = clean_name(name)
    slug = slugify(slug or "")
    try:
        with transaction.atomic(durable=True):
            parent = None
            if parent_id is not None:
                parent = Category.objects.filter(pk=parent_id).first()
                if parent is None:
                    raise UnknownCategory(field="parent")
            if slug and Category.objects.filter(slug=slug).exists():
                raise SlugTaken()
            category = Category.objects.create(
                parent=parent,
                name=name,
                slug=slug or unique_slug(queryset=Category.objects, text=name, max_length=110, fallback="category"),
                description=description.strip(),
                position=position,
            )
            _rewrite_subtree(category_id=category.pk)
    except IntegrityError:
        raise SlugTaken() from None
    return category


@bumps("catalog")
def rename_category(*, category_id: int, name: str) -> Category:
    """Rename a category; the paths of its sub-categories and its products' search text follow."""
    name = clean_name(name)
    with transaction.atomic(durable=True):
        category = _lock_existing(category_id=category_id)
        category.name = name
        category.save(update_fields=["name"])
        _rewrite_subtree(category_id=category.pk)
    category.refresh_from_db()
    return category


@bumps("catalog")
def move_category(*, category_id: int, parent_id: int | None) -> Category:
    """Move a category (with its sub-categories) under another parent, or to the top with None.

    Raises CategoryCycle when the new parent is the category itself or below it.
    """
    with transaction.atomic(durable=True):
        category = _lock_existing(category_id=category_id)
        if parent_id is not None:
            parents = dict(Category.objects.values_list("id", "parent_id"))
            if parent_id not in parents:
                raise UnknownCategory(field="parent")
            ancestor: int | None = parent_id
            while ancestor is not None:
                if ancestor == category.pk:
                    raise CategoryCycle()
                ancestor = parents.get(ancestor)
        category.parent_id = parent_id
        category.save(update_fields=["parent"])
        _rewrite_subtree(category_id=category.pk)
    category.refresh_from_db()
    return category


@bumps("catalog")
def sync_category_subtree(*, category_id: int) -> None:
    """Bring path names, depths and product search text of a category's subtree up to date after a
    direct change (the admin saves the row itself)."""
    with transaction.atomic():
        _rewrite_subtree(category_id=category_id)


def _lock_existing(*, category_id: int) -> Category:
    """The category, locked for the caller's transaction (raises UnknownCategory when there is none)."""
    category = locks.lock_category(category_id=category_id)
    if category is None:
        raise UnknownCategory(field="category")
    return category


def _rewrite_subtree(*, category_id: int) -> None:
    """Recompute ``path_names``/``depth`` of the category and its descendants and the ``category_text`` of
    their products; the cached tree is forgotten now and again after commit."""
    rows = {row[0]: row for row in Category.objects.values_list("id", "parent_id", "name", "path_names", "depth")}
    children: dict[int | None, list[int]] = {}
    for cid, parent_id, *_ in rows.values():
        children.setdefault(parent_id, []).append(cid)

    def path_of(cid: int) -> tuple[str, int]:
        names, current, seen = [], cid, set()
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            names.append(rows[current][2])
            current = rows[current][1]
        return CATEGORY_PATH_SEPARATOR.join(reversed(names))[:500], len(names) - 1

    changed = []
    stack = [category_id]
    while stack:
        cid = stack.pop()
        if cid not in rows:
            continue
        path, depth = path_of(cid)
        if (path, depth) != (rows[cid][3], rows[cid][4]):
            changed.append(Category(pk=cid, path_names=path, depth=depth))
        stack.extend(children.get(cid, []))
    if changed:
        Category.objects.bulk_update(changed, ["path_names", "depth"])
        for category in changed:
            Product.objects.filter(category_id=category.pk).update(category_text=category.path_names)
    # Forgotten now for reads later in this transaction, again after commit for readers that cached the
    # old tree meanwhile; neither may fail the change (a cache outage is not a reason to refuse it).
    run_side_effect("catalog.category_tree", forget_category_tree)
    after_commit("catalog.category_tree", forget_category_tree)
    if changed and index_events.indexed_elsewhere():  # their category path and ancestors are in the index
        moved = Product.objects.filter(category_id__in=[category.pk for category in changed])
        index_events.products_changed(moved.values_list("pk", flat=True))
