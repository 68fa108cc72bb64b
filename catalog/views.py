"""Storefront pages of the catalog: category listings, search results, a seller's store, the product page.

Views parse the request, call a selector, ``search_products`` or a service, and render; the shaping
below (facet groups, pagination links, filter chips) is presentation only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from catalog import services
from catalog.errors import NotAVerifiedBuyer
from catalog.forms import PAGE_SIZE, RATING_CHOICES, SORT_LABELS, BrowseForm, ReviewForm, price_band_value
from catalog.search import PRICE_BAND_EDGES, SORTS, SearchParams, SearchResult, personal, search_products
from catalog.search.query import read_price
from catalog.selectors import pages
from catalog.selectors.categories import CategoryNode, ancestors, category_by_slug_or_id, category_tree
from sellers import selectors as sellers_selectors
from shop import activity, money
from shop.db_router import reads_from_replica
from shop.errors import DomainError

# --- Category and search listings --------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None
    selected: bool
    swatch: str = ""  # a CSS colour name for colour options, when the value is one word


@dataclass
class FacetGroup:
    name: str  # the GET parameter
    title: str
    kind: str  # "checkbox" or "radio"
    options: list[FacetOption]

    @property
    def selected_count(self) -> int:
        return sum(1 for o in self.options if o.selected)


@dataclass
class Chip:
    label: str
    remove_url: str


def _value_group(facets: dict, selected, *, name: str, title: str) -> FacetGroup | None:
    """Brand, size or colour: one checkbox per value the result set has (``[{"value", "count"}]``)."""
    chosen = {v.lower() for v in selected}
    options = [
        FacetOption(value=b["value"], label=b["value"], count=b["count"], selected=b["value"].lower() in chosen)
        for b in facets.get(name) or ()
    ]
    known = {o.value.lower() for o in options}
    # A chosen value the result no longer counts stays visible, so it can be unticked.
    options += [FacetOption(value=v, label=v, count=0, selected=True) for v in selected if v.lower() not in known]
    if name == "color":
        for option in options:
            option.swatch = _swatch(option.value)
    if name == "size":
        options.sort(key=lambda o: _size_order(o.value))
    return FacetGroup(name=name, title=title, kind="checkbox", options=options) if options else None


APPAREL_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "2XL", "XXXL", "3XL")


def _size_order(size: str) -> tuple:
    """Sizes read in their natural order: XS, S, M, L, XL, then numbers (38, 40.5, 42), then the rest."""
    text = size.strip().upper()
    if text in APPAREL_SIZES:
        return (0, APPAREL_SIZES.index(text), "")
    try:
        return (1, float(text.replace(",", ".")), "")
    except ValueError:
        return (2, 0, text)


def _money(value) -> str:
    return money.format_money(value, trim_whole=True)


def _price_label(low, high) -> str:
    """ "Under $25", "$25 to $50", "$200 & above": a band's inclusive top (49.99) reads as the next edge."""
    if high not in (None, ""):
        high = Decimal(high)
        step = money.minor_unit()
        # 49.99 (49 in yen) is a band's top; in a whole-unit currency only a band edge says so.
        if high + step in PRICE_BAND_EDGES or (step < 1 and (high + step) % 1 == 0):
            high += step
    if low in (None, "") or Decimal(low) == 0:
        return f"Under {_money(high)}" if high is not None else "Any price"
    if high in (None, ""):
        return f"{_money(low)} & above"
    return f"{_money(low)} to {_money(high)}"


def _price_group(facets: dict, form: BrowseForm) -> FacetGroup | None:
    """Price bands with products in them (``[{"value", "min", "max", "count"}]``), as radio buttons."""
    chosen = form.price_band
    options = []
    for band in facets.get("price") or ():
        value = price_band_value(band.get("min"), band.get("max"))
        selected = chosen is not None and price_band_value(*chosen) == value
        if band["count"] or selected:
            options.append(FacetOption(value, _price_label(band.get("min"), band.get("max")), band["count"], selected))
    if chosen is not None and not any(o.selected for o in options):
        options.append(FacetOption(price_band_value(*chosen), _price_label(*chosen), None, True))
    return FacetGroup(name="price", title="Price", kind="radio", options=options) if options else None


def _rating_group(facets: dict, form: BrowseForm) -> FacetGroup | None:
    """ "4 stars & up" ... with the number of products at or above each step (``[{"value", "count"}]``)."""
    counts = {int(b["value"]): b["count"] for b in facets.get("rating") or ()}
    chosen = form.value("rating")
    options = [
        FacetOption(str(stars), label, counts.get(stars, 0), chosen == stars)
        for stars, label in RATING_CHOICES
        if counts.get(stars) or chosen == stars
    ]
    return FacetGroup(name="rating", title="Customer rating", kind="radio", options=options) if options else None


def _category_links(facets: dict, *, request: HttpRequest, form: BrowseForm) -> list[dict]:
    """The search page's "Category" facet (``[{"id", "slug", "name", "count"}]``): links narrowing the search."""
    return [
        {
            "name": bucket["name"],
            "count": bucket["count"],
            "url": _url_with(request, category=bucket["slug"]),
        }
        for bucket in (facets.get("category") or ())[:12]
    ]


def _url_with(request: HttpRequest, **changes) -> str:
    """This page's URL with some parameters replaced (None removes them); any change resets the page."""
    params = [(k, v) for k, v in request.GET.lists()]
    data = {k: list(v) for k, v in params}
    if "page" not in changes:
        data.pop("page", None)
    for key, value in changes.items():
        if value in (None, "", [], ()):
            data.pop(key, None)
        else:
            data[key] = list(value) if isinstance(value, (list, tuple)) else [value]
    query = urlencode([(k, v) for k, values in data.items() for v in values])
    return f"{request.path}?{query}" if query else request.path


def _chips(request: HttpRequest, form: BrowseForm, groups: list[FacetGroup], chosen_category) -> list[Chip]:
    chips = []
    for name, title in (("brand", "Brand"), ("size", "Size"), ("color", "Colour")):
        values = form.value(name, ())
        for value in values:
            rest = [v for v in values if v != value]
            chips.append(Chip(f"{title}: {value}", _url_with(request, **{name: rest})))
    for group in groups:
        if group.kind == "radio":
            for option in group.options:
                if option.selected:
                    chips.append(Chip(option.label, _url_with(request, **{group.name: None})))
    if form.value("in_stock"):
        chips.append(Chip("In stock only", _url_with(request, in_stock=None)))
    if chosen_category is not None:
        chips.append(Chip(f"In {chosen_category.name}", _url_with(request, category=None)))
    return chips


def _query_without(query: str, words: str, *, after: str = "") -> str | None:
    """The query with ``words`` (any case and spacing, optionally preceded by ``after``) taken out, or None
    when it does not have them."""
    spaced = r"\s+".join(re.escape(word) for word in words.split())
    rest, found = re.subn(rf"(?<!\w){after}{spaced}(?!\w)", " ", query, flags=re.I)
    return " ".join(rest.split()) if found else None


def _detected_chips(request: HttpRequest, form: BrowseForm, result: SearchResult) -> list[Chip]:
    """Filters the search read in the query ("red dress under 50"), each removable by searching without
    its words; none for a colour or size the filters already have."""
    query = form.value("q", "")
    found: list[tuple[str, str | None]] = []
    chosen_colors = {c.lower() for c in form.value("color", ())}
    if result.detected_color and result.detected_color.lower() not in chosen_colors:
        found.append((f"Colour: {result.detected_color}", _query_without(query, result.detected_color)))
    chosen_sizes = {s.lower() for s in form.value("size", ())}
    if result.detected_size and result.detected_size.lower() not in chosen_sizes:
        rest = _query_without(query, result.detected_size, after=r"(?:size\s+)?")
        found.append((f"Size: {result.detected_size.upper()}", rest))
    if result.detected_max_price is not None:
        found.append((f"Under {_money(result.detected_max_price)}", " ".join(read_price(query)[0].split())))
    return [Chip(label, _url_with(request, q=rest)) for label, rest in found if rest is not None]


def _card_colors(form: BrowseForm, result: SearchResult) -> tuple[str, ...]:
    """The colours cards show: the colour filter's, then one the search read in the query."""
    detected = (result.detected_color,) if result.detected_color else ()
    return tuple(form.value("color", ())) + detected


def _relaxed_notice(result: SearchResult) -> dict | None:
    """What to say when not every word of the query could match: the words the results are for."""
    if not result.relaxed or not result.count:
        return None
    return {"matched": " ".join(result.matched_terms), "dropped": list(result.dropped_terms)}


def _pagination(request: HttpRequest, *, page: int, count: int, limit: int) -> dict | None:
    pages_total = max(1, -(-count // limit))
    if pages_total <= 1:
        return None
    window = sorted({1, pages_total, *range(max(1, page - 2), min(pages_total, page + 2) + 1)})
    items, previous = [], 0
    for number in window:
        if number - previous > 1:
            items.append({"gap": True})
        items.append({"number": number, "url": _url_with(request, page=number if number > 1 else None)})
        previous = number
    return {
        "page": page,
        "pages": pages_total,
        "items": items,
        "previous_url": _url_with(request, page=page - 1 if page > 2 else None) if page > 1 else None,
        "next_url": _url_with(request, page=page + 1) if page < pages_total else None,
    }


def _listing_context(
    request: HttpRequest,
    form: BrowseForm,
    result: SearchResult,
    *,
    search_page: bool,
    chosen_category: CategoryNode | None = None,
) -> dict:
    facets = result.facets or {}
    groups = [
        g
        for g in (
            _value_group(facets, form.value("brand", ()), name="brand", title="Brand"),
            _price_group(facets, form),
            _rating_group(facets, form),
            _value_group(facets, form.value("size", ()), name="size", title="Size"),
            _value_group(facets, form.value("color", ()), name="color", title="Colour"),
        )
        if g is not None
    ]
    category_links = _category_links(facets, request=request, form=form) if search_page else []
    sorts = [s for s in SORTS if search_page or s != "relevance"]
    default_sort = "relevance" if form.value("q") else "newest"
    first = (form.page_number - 1) * PAGE_SIZE + 1 if result.count else 0
    return {
        "form": form,
        "result": result,
        "products": pages.with_card_data(result.products, colors=_card_colors(form, result)),
        "facet_groups": groups,
        "category_links": category_links,
        "in_stock_checked": bool(form.value("in_stock")),
        "in_stock_count": facets.get("in_stock"),
        "chips": _detected_chips(request, form, result) + _chips(request, form, groups, chosen_category),
        "all_categories_url": _url_with(request, category=None) if chosen_category else None,
        "clear_url": _url_with(
            request, brand=None, size=None, color=None, price=None, rating=None, in_stock=None, category=None
        ),
        "sort_options": [(s, SORT_LABELS[s]) for s in sorts],
        "current_sort": form.value("sort") if form.value("sort") in sorts else default_sort,
        "pagination": _pagination(request, page=form.page_number, count=result.count, limit=PAGE_SIZE),
        "first_shown": first,
        "last_shown": first + len(result.products) - 1 if result.count else 0,
    }


def _past_the_end(request: HttpRequest, form: BrowseForm, result: SearchResult) -> str | None:
    """Where a page number past the end goes: the last page (the first when nothing matches); None in range."""
    if form.page_number == 1 or result.products:
        return None
    last = max(1, -(-result.count // PAGE_SIZE))
    return _url_with(request, page=last if last > 1 else None)


@reads_from_replica
def category(request: HttpRequest, slug: str) -> HttpResponse:
    node = category_by_slug_or_id(slug)  # CategoryNotFound is the 404 page
    if node.slug != slug:
        return HttpResponsePermanentRedirect(_url_with_path(request, f"/c/{node.slug}/"))
    form = BrowseForm(request.GET)
    result = search_products(form.search_params(category_id=node.id))
    if last_page := _past_the_end(request, form, result):
        return redirect(last_page)
    context = _listing_context(request, form, result, search_page=False)
    sub_counts = {bucket["id"]: bucket["count"] for bucket in (result.facets or {}).get("category") or ()}
    context.update(
        category=node,
        breadcrumb=ancestors(category_id=node.id)[:-1],
        sub_categories=[
            {"node": sub, "count": sub_counts.get(sub.id, 0)} for sub in pages.sub_categories(category_id=node.id)
        ],
        parent=category_tree().get(node.parent_id) if node.parent_id else None,
    )
    return render(request, "catalog/category.html", context)


def _url_with_path(request: HttpRequest, path: str) -> str:
    query = request.GET.urlencode()
    return f"{path}?{query}" if query else path


@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    form = BrowseForm(request.GET)
    query = form.value("q", "")
    chosen: CategoryNode | None = None
    if form.value("category"):
        chosen = next((n for n in category_tree().values() if n.slug == form.value("category")), None)
    if not query and chosen is None and not form.has_filters and not form.value("sort"):
        return render(
            request,
            "catalog/search.html",
            {"form": form, "prompt": True, "category_tiles": pages.home_categories()},
        )
    affinity = personal.affinity_for(request.user) if query and form.personalized else None
    result = search_products(form.search_params(category_id=chosen.id if chosen else None, affinity=affinity))
    if last_page := _past_the_end(request, form, result):
        return redirect(last_page)
    if query and form.page_number == 1:
        activity.record(request=request, kind="search", value=query)
    context = _listing_context(request, form, result, search_page=True, chosen_category=chosen)
    context.update(
        query=query,
        chosen_category=chosen,
        corrected_url=_url_with(request, q=result.corrected_query) if result.corrected_query else None,
        relaxed=_relaxed_notice(result),
        category_tiles=pages.home_categories() if not result.count else [],
    )
    response = render(request, "catalog/search.html", context)
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)  # may be ordered by this shopper's tastes
    return response


# --- A seller's store page --------------------------------------------------------------------------

STORE_SORTS = tuple(s for s in SORTS if s != "relevance")  # the category page's sorts


@reads_from_replica
def store(request: HttpRequest, slug: str) -> HttpResponse:
    seller = sellers_selectors.seller_by_slug(slug=slug)  # StoreNotFound is the 404 page
    form = BrowseForm(request.GET)  # only its sort and page are read here
    sort = form.value("sort") if form.value("sort") in STORE_SORTS else "newest"
    offset = (form.page_number - 1) * PAGE_SIZE
    # The search backend lists active products only, in the same orders and pages as the category page.
    result = search_products(SearchParams(seller_id=seller.pk, sort=sort, offset=offset, limit=PAGE_SIZE))
    if last_page := _past_the_end(request, form, result):
        return redirect(last_page)
    first = offset + 1 if result.count else 0
    context = {
        "seller": seller,
        "rating": pages.store_rating(seller_id=seller.pk),
        "result": result,
        "products": pages.with_card_data(result.products),
        "sort_options": [(s, SORT_LABELS[s]) for s in STORE_SORTS],
        "current_sort": sort,
        "pagination": _pagination(request, page=form.page_number, count=result.count, limit=PAGE_SIZE),
        "first_shown": first,
        "last_shown": first + len(result.products) - 1 if result.count else 0,
    }
    return render(request, "catalog/store.html", context)


# --- Product page -----------------------------------------------------------------------------------


def _reviews_page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("reviews", 1)))
    except ValueError:
        return 1


def _render_product(request: HttpRequest, page: pages.ProductPage, *, review_form=None, status=200) -> HttpResponse:
    product = page.product
    color = page.color_named(request.GET.get("color", ""))
    default = page.default_variant_in(color)
    variant_data = [
        {
            "sku": v.sku,
            "size": v.size,
            "color": v.color,
            "label": v.label,
            "price": money.format_money(v.price),
            "available": v.available,
        }
        for v in page.variants
    ]
    images = [
        {
            "image": image,
            "url": pages.image_url(image),
            "thumbnail_url": pages.image_url(image, thumbnail=True),
            "alt": image.alt_text or f"{product.name}, picture {number}",
            "color": image.color,
        }
        for number, image in enumerate(page.images_for(color), start=1)
    ]
    if review_form is None and page.can_review:
        review_form = ReviewForm()
    option_groups = [
        {
            "name": name,
            "title": title,
            "default": getattr(default, name, "") if default else "",
            "options": [{"value": value, "swatch": _swatch(value) if name == "color" else ""} for value in values],
        }
        for name, title, values in (("size", "Size", page.sizes), ("color", "Colour", page.colors))
        if values
    ]
    context = {
        "page": page,
        "product": product,
        "images": images,
        "main_image": _chosen_image(request, images),
        "chosen_color": color,
        "option_groups": option_groups,
        "default_variant": default,
        "variant_data": variant_data,
        "review_form": review_form,
        "product_url": pages.product_url(product),
        "reviews_pagination": _reviews_pagination(request, page),
    }
    return render(request, "catalog/product.html", context, status=status)


def _swatch(value: str) -> str:
    """A CSS colour name for a colour option ("Navy Blue" -> "navyblue"), or "" when it cannot be one."""
    word = value.lower().replace(" ", "")
    return word if word.isascii() and word.isalpha() else ""


def _chosen_image(request: HttpRequest, images: list[dict]) -> dict | None:
    """The gallery's main picture: ?image=N without JavaScript, else the first."""
    if not images:
        return None
    try:
        number = int(request.GET.get("image", 1))
    except ValueError:
        number = 1
    return images[min(max(number, 1), len(images)) - 1]


def _reviews_pagination(request: HttpRequest, page: pages.ProductPage) -> dict | None:
    if page.reviews_pages <= 1:
        return None
    base = pages.product_url(page.product)
    return {
        "page": page.reviews_page,
        "pages": page.reviews_pages,
        "previous_url": (f"{base}?reviews={page.reviews_page - 1}#reviews" if page.reviews_page > 1 else None),
        "next_url": (
            f"{base}?reviews={page.reviews_page + 1}#reviews" if page.reviews_page < page.reviews_pages else None
        ),
    }


@reads_from_replica
def product(request: HttpRequest, product_id: int, slug: str | None = None) -> HttpResponse:
    page = pages.product_page(product_id=product_id, user=request.user, reviews_page=_reviews_page(request))
    canonical = pages.product_url(page.product)
    if request.path != canonical:
        return HttpResponsePermanentRedirect(_url_with_path(request, canonical))
    return _render_product(request, page)


@require_POST
def review_create(request: HttpRequest, product_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        page = pages.product_page(product_id=product_id, user=request.user)
        return redirect_to_login(pages.product_url(page.product) + "#write-review")
    page = pages.product_page(product_id=product_id, user=request.user)
    form = ReviewForm(request.POST)
    if not page.can_review:
        messages.error(request, _why_no_review(page))
        return redirect(pages.product_url(page.product) + "#reviews")
    if not form.is_valid():
        return _render_product(request, page, review_form=form, status=400)
    try:
        services.write_review(user=request.user, product_id=page.product.pk, **form.cleaned_data)
    except DomainError as error:  # the same text the API gives; on its field when it names one of the form's
        field = getattr(error, "field", None)
        form.add_error(field if field in form.fields else None, error.message)
        return _render_product(request, page, review_form=form, status=400)
    messages.success(request, "Thank you! Your review is published.")
    return redirect(pages.product_url(page.product) + "#reviews")


def _why_no_review(page: pages.ProductPage) -> str:
    if page.is_owner:
        return "Sellers cannot review their own products."
    if page.has_reviewed:
        return "You have already reviewed this product."
    if not page.is_verified_buyer:
        return NotAVerifiedBuyer.default_message
    return "This product can no longer be reviewed."
