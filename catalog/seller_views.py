"""The seller's product pages (``/seller/products/``): the list of their products in every status, one editor for
creating and changing a product with its variant table (sizes by colours), its pictures, and its status.

Views parse the forms, call catalog.services (which own every write and bump the storefront's cache) and
render; what a service refuses is shown next to the input it names, with its status, and nothing changes.
Another seller's product or picture is the 404 page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product as combinations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from catalog import selectors, services
from catalog.models import Product
from catalog.selectors.pages import image_url, product_url
from catalog.seller_forms import (
    BUILD,
    DRAFT,
    PUBLISH,
    SAVE,
    AttributeFormSet,
    ImageChangeForm,
    ImageUploadForm,
    ProductFilterForm,
    ProductForm,
    StatusForm,
    VariantFormSet,
    option_values,
)
from sellers import selectors as seller_selectors
from shop.errors import DomainError

PAGE_SIZE = 25
BLANK_ATTRIBUTE_ROWS = 3
ATTRIBUTES, VARIANTS = "attributes", "variants"

# --- The list -----------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_products(request: HttpRequest) -> HttpResponse:
    """The seller's products (every status): search, status filter, sort, price range and stock per variant."""
    seller = seller_selectors.seller_of(user=request.user)
    filters = ProductFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    products = selectors.seller_products(
        seller_id=seller.pk,
        q=chosen.get("q", ""),
        status=chosen.get("status", ""),
        sort=chosen.get("sort") or "newest",
    )
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.with_stock(seller_id=seller.pk, products=page.object_list)
    for product in rows:
        product.thumb_url = image_url(product.card_image, thumbnail=True)
        product.storefront_url = product_url(product)
    query = urlencode({name: value for name, value in chosen.items() if value})
    return render(
        request,
        "catalog/seller_products.html",
        {"seller": seller, "filters": filters, "page": page, "products": rows, "query": query},
    )


# --- The editor -----------------------------------------------------------------------------------------


@dataclass
class VariantRow:
    """One row of the variant table as the page shows it: its form, and the variant it is (None: a new one)."""

    form: forms.Form
    stock: selectors.VariantStock | None

    @property
    def label(self) -> str:
        """ "M / Red" (size, colour, then any other option), or "Default" for a variant without options."""
        if self.stock is not None:
            variant = self.stock.variant
            rest = [value for key, value in sorted((variant.options or {}).items()) if key not in ("size", "color")]
            values = [variant.size, variant.color, *rest]
        else:
            values = [self.form[name].value() for name in ("size", "color")]
        return " / ".join(str(value) for value in values if value) or "Default"


@dataclass
class Editor:
    form: ProductForm
    attributes: forms.BaseFormSet
    variants: forms.BaseFormSet
    existing: list[selectors.VariantStock]
    table_errors: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[VariantRow]:
        by_sku = {row.variant.sku: row for row in self.existing}
        return [VariantRow(form=form, stock=by_sku.get(form["sku"].value() or "")) for form in self.variants.forms]


def _existing(*, seller_id: int, product: Product | None) -> list[selectors.VariantStock]:
    if product is None:
        return []
    return selectors.variant_stock(seller_id=seller_id, product_ids=[product.pk]).get(product.pk, [])


def _existing_row(row: selectors.VariantStock) -> dict:
    variant = row.variant
    return {
        "sku": variant.sku,
        "size": variant.size,
        "color": variant.color,
        "price": variant.price,
        "quantity": row.on_hand,
    }


def _unbound(*, initial: dict, attribute_rows: list[dict], variant_rows: list[dict], existing) -> Editor:
    return Editor(
        form=ProductForm(initial=initial),
        attributes=AttributeFormSet(prefix=ATTRIBUTES, initial=attribute_rows),
        variants=VariantFormSet(prefix=VARIANTS, initial=variant_rows),
        existing=existing,
    )


def _blank_editor() -> Editor:
    return _unbound(
        initial={},
        attribute_rows=[{}] * BLANK_ATTRIBUTE_ROWS,
        variant_rows=[{"quantity": 0}],
        existing=[],
    )


def _product_editor(product: Product, existing: list[selectors.VariantStock]) -> Editor:
    variants = [row.variant for row in existing]
    initial = {
        "name": product.name,
        "description": product.description,
        "category": product.category_id,
        "brand": product.brand,
        "low_stock_threshold": product.low_stock_threshold,
        "sizes": ", ".join(_distinct(v.size for v in variants)),
        "colors": ", ".join(_distinct(v.color for v in variants)),
    }
    attributes = [{"key": key, "value": _attribute_text(value)} for key, value in (product.attributes or {}).items()]
    return _unbound(
        initial=initial,
        attribute_rows=attributes + [{}] * BLANK_ATTRIBUTE_ROWS,
        variant_rows=[_existing_row(row) for row in existing],
        existing=existing,
    )


def _distinct(values) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value:
            seen.setdefault(value.lower(), value)
    return list(seen.values())


def _attribute_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _posted_rows(data: QueryDict, prefix: str, names: tuple[str, ...]) -> list[dict]:
    """The rows of a posted formset as typed (valid or not), for re-drawing it."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), services.MAX_VARIANTS)
    except ValueError:
        total = 0
    return [{name: data.get(f"{prefix}-{index}-{name}", "") for name in names} for index in range(total)]


def _rebuilt_editor(data: QueryDict, existing: list[selectors.VariantStock]) -> Editor:
    """The "Build variants" button: the variant table redrawn from every size with every colour typed, every existing
    variant first and what was typed in a row kept; nothing is saved."""
    errors = []
    try:
        sizes = option_values(data.get("sizes", ""), label="size")
        colors = option_values(data.get("colors", ""), label="colour")
    except forms.ValidationError as exc:
        errors, sizes, colors = exc.messages, [], []
    typed = _posted_rows(data, VARIANTS, ("sku", "size", "color", "price", "quantity"))
    typed_by_sku = {row["sku"]: row for row in typed if row["sku"]}
    typed_by_options = {(row["size"].lower(), row["color"].lower()): row for row in typed}

    rows = []
    taken: set[tuple[str, str]] = set()
    for stock in existing:
        row = _existing_row(stock)
        row.update({k: v for k, v in typed_by_sku.get(stock.variant.sku, {}).items() if k in ("price", "quantity")})
        rows.append(row)
        taken.add((stock.variant.size.lower(), stock.variant.color.lower()))
    for size, color in combinations(sizes or [""], colors or [""]):
        if len(rows) > services.MAX_VARIANTS:
            break  # one too many is enough to say so; hundreds of typed values build no more
        key = (size.lower(), color.lower())
        if key in taken or (key == ("", "") and existing):
            continue
        taken.add(key)
        kept = typed_by_options.get(key, {})
        rows.append(
            {
                "size": size,
                "color": color,
                **{k: kept.get(k, "") for k in ("sku", "price")},
                "quantity": kept.get("quantity") or 0,
            }
        )
    if len(rows) > services.MAX_VARIANTS:
        errors.append(f"A product has at most {services.MAX_VARIANTS} variants: use fewer sizes or colours.")
        rows = rows[: services.MAX_VARIANTS]
    editor = _unbound(
        initial={name: data.get(name, "") for name in ProductForm.base_fields},
        attribute_rows=_posted_rows(data, ATTRIBUTES, ("key", "value")),
        variant_rows=rows,
        existing=existing,
    )
    editor.table_errors = errors
    return editor


def _variant_inputs(editor: Editor, default_price: Decimal | None) -> list[dict]:
    """The table's rows as catalog.services takes them: an existing variant by its SKU (price, and stock when
    it changed), a new one with its options; rows in table order, so ``variants.N`` names row N."""
    by_sku = {row.variant.sku: row for row in editor.existing}
    items = []
    for form in editor.variants.forms:
        data = form.cleaned_data
        sku = (data.get("sku") or "").strip()
        current = by_sku.get(sku)
        if current is not None:
            item: dict = {"sku": sku}
            if data.get("price") is not None:
                item["price"] = data["price"]
            if data.get("quantity") is not None and data["quantity"] != current.on_hand:
                item["quantity"] = data["quantity"]
        else:
            options = {name: data[name].strip() for name in ("size", "color") if (data.get(name) or "").strip()}
            price = data.get("price")
            item = {
                "sku": sku or None,
                "options": options,
                "price": price if price is not None else default_price,
                "quantity": data.get("quantity") or 0,
            }
        items.append(item)
    return items


def _show_error(editor: Editor, exc: DomainError) -> None:
    """Put a service's refusal next to the input it names (``name``, ``variants.2.sku``), else on top."""
    name = getattr(exc, "field", "") or ""
    parts = name.split(".")
    if parts[0] == VARIANTS and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(editor.variants.forms):
        row = editor.variants.forms[int(parts[1])]
        row.add_error(parts[2] if len(parts) > 2 and parts[2] in row.fields else None, exc.message)
    elif parts[0] == VARIANTS:
        editor.table_errors.append(exc.message)
    elif name in editor.form.fields:
        editor.form.add_error(name, exc.message)
    elif name == "category_id":
        editor.form.add_error("category", exc.message)
    else:
        editor.form.add_error(None, exc.message)


def _save(request: HttpRequest, *, seller, product: Product | None, existing) -> HttpResponse:
    """Check the posted editor and create or change the product through catalog.services."""
    action = request.POST.get("action")
    editor = Editor(
        form=ProductForm(request.POST),
        attributes=AttributeFormSet(request.POST, prefix=ATTRIBUTES),
        variants=VariantFormSet(request.POST, prefix=VARIANTS),
        existing=existing,
    )
    valid = [editor.form.is_valid(), editor.attributes.is_valid(), editor.variants.is_valid()]
    if not all(valid):
        return _render_editor(request, seller=seller, product=product, editor=editor, status=400)
    data = editor.form.cleaned_data
    fields = {
        "name": data["name"],
        "description": data["description"],
        "category_id": data["category"],
        "brand": data["brand"],
        "attributes": editor.attributes.attributes(),
        "low_stock_threshold": data["low_stock_threshold"],
        "variants": _variant_inputs(editor, data["price"]),
    }
    status = {DRAFT: Product.Status.DRAFT, PUBLISH: Product.Status.ACTIVE}.get(action)
    try:
        if product is None:
            product = services.create_product(
                seller=seller, actor=request.user, price=data["price"], status=status or Product.Status.DRAFT, **fields
            )
        else:
            extra = {"status": status} if status else {}
            services.update_product(product_id=product.pk, actor=request.user, **fields, **extra)
    except DomainError as exc:
        _show_error(editor, exc)
        return _render_editor(request, seller=seller, product=product, editor=editor, status=exc.status)
    messages.success(request, f"{data['name']} saved{' and published' if action == PUBLISH else ''}.")
    return redirect("catalog:seller-product-edit", product_id=product.pk)


def _render_editor(
    request: HttpRequest,
    *,
    seller,
    product: Product | None,
    editor: Editor,
    status: int = 200,
    upload_form: ImageUploadForm | None = None,
    image_errors: list[str] | None = None,
) -> HttpResponse:
    context = {
        "seller": seller,
        "product": product,
        "editor": editor,
        "actions": {"build": BUILD, "save": SAVE, "draft": DRAFT, "publish": PUBLISH},
    }
    if product is not None:
        colors = _distinct(row.variant.color for row in editor.existing)
        images = selectors.images_of(product_id=product.pk)
        context.update(
            {
                "storefront_url": product_url(product),
                "upload_form": upload_form or ImageUploadForm(colors=colors),
                "image_errors": image_errors or [],
                "images": [
                    {
                        "image": image,
                        "thumb_url": image_url(image, thumbnail=True),
                        "form": ImageChangeForm(
                            colors=colors,
                            initial={"image_id": image.pk, "alt_text": image.alt_text, "color": image.color},
                            auto_id=f"image-{image.pk}-%s",
                        ),
                    }
                    for image in images
                ],
            }
        )
    return render(request, "catalog/seller_product_form.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def seller_product_new(request: HttpRequest) -> HttpResponse:
    """A new product: saved as a draft or published."""
    seller = seller_selectors.seller_of(user=request.user)
    if request.method == "POST":
        if request.POST.get("action") == BUILD:
            editor = _rebuilt_editor(request.POST, [])
            return _render_editor(request, seller=seller, product=None, editor=editor)
        return _save(request, seller=seller, product=None, existing=[])
    return _render_editor(request, seller=seller, product=None, editor=_blank_editor())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def seller_product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """One of the seller's products: its fields, variant table, pictures and status."""
    seller = seller_selectors.seller_of(user=request.user)
    product = selectors.own_product(seller_id=seller.pk, product_id=product_id)
    existing = _existing(seller_id=seller.pk, product=product)
    if request.method == "POST":
        if request.POST.get("action") == BUILD:
            editor = _rebuilt_editor(request.POST, existing)
            return _render_editor(request, seller=seller, product=product, editor=editor)
        return _save(request, seller=seller, product=product, existing=existing)
    return _render_editor(request, seller=seller, product=product, editor=_product_editor(product, existing))


@never_cache
@login_required
@require_POST
def seller_product_status(request: HttpRequest, product_id: int) -> HttpResponse:
    """Publish (also an archived product), unpublish (back to draft) or archive."""
    seller = seller_selectors.seller_of(user=request.user)
    product = selectors.own_product(seller_id=seller.pk, product_id=product_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose publish, unpublish or archive.")
        return redirect("catalog:seller-product-edit", product_id=product.pk)
    action = form.cleaned_data["action"]
    try:
        if action == StatusForm.ARCHIVE:
            services.archive_product(product_id=product.pk, actor=request.user)
        else:
            status = Product.Status.ACTIVE if action == StatusForm.PUBLISH else Product.Status.DRAFT
            services.update_product(product_id=product.pk, actor=request.user, status=status)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = {StatusForm.PUBLISH: "published", StatusForm.UNPUBLISH: "unpublished", StatusForm.ARCHIVE: "archived"}
        messages.success(request, f"{product.name} {done[action]}.")
    return redirect("catalog:seller-product-edit", product_id=product.pk)


# --- Pictures ------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def seller_product_images(request: HttpRequest, product_id: int) -> HttpResponse:
    """Upload pictures (``action=upload``), or change one: alt text and colour, move up or down, delete."""
    seller = seller_selectors.seller_of(user=request.user)
    product = selectors.own_product(seller_id=seller.pk, product_id=product_id)
    existing = _existing(seller_id=seller.pk, product=product)
    colors = _distinct(row.variant.color for row in existing)

    def failed(errors: list[str], status: int, upload_form=None) -> HttpResponse:
        editor = _product_editor(product, existing)
        return _render_editor(
            request,
            seller=seller,
            product=product,
            editor=editor,
            status=status,
            upload_form=upload_form,
            image_errors=errors,
        )

    if request.POST.get("action") == "upload":
        form = ImageUploadForm(request.POST, request.FILES, colors=colors)
        if not form.is_valid():
            return failed([], 400, upload_form=form)
        refused, status = [], 400
        for file in form.cleaned_data["images"]:
            try:
                services.add_image(
                    product_id=product.pk,
                    actor=request.user,
                    image=file,
                    alt_text=form.cleaned_data["alt_text"],
                    color=form.cleaned_data["color"],
                )
            except DomainError as exc:
                refused.append(f"{file.name}: {exc.message}")
                status = exc.status
        if refused:
            return failed(refused, status, upload_form=form)
        count = len(form.cleaned_data["images"])
        messages.success(request, f"{count} picture{'s' if count != 1 else ''} added.")
        return redirect(_images_anchor(product))

    form = ImageChangeForm(request.POST, colors=colors)
    if not form.is_valid():
        return failed([error for errors in form.errors.values() for error in errors], 400)
    image = selectors.own_image(seller_id=seller.pk, product_id=product.pk, image_id=form.cleaned_data["image_id"])
    action = form.cleaned_data["action"]
    try:
        if action == ImageChangeForm.DELETE:
            services.delete_image(product_id=product.pk, image_id=image.pk, actor=request.user)
            messages.success(request, "Picture deleted.")
        elif action in (ImageChangeForm.UP, ImageChangeForm.DOWN):
            order = [other.pk for other in selectors.images_of(product_id=product.pk)]
            index = order.index(image.pk)
            target = index - 1 if action == ImageChangeForm.UP else index + 1
            if 0 <= target < len(order):
                order[index], order[target] = order[target], order[index]
                services.reorder_images(product_id=product.pk, image_ids=order, actor=request.user)
        else:
            services.update_image(
                product_id=product.pk,
                image_id=image.pk,
                actor=request.user,
                alt_text=form.cleaned_data["alt_text"],
                color=form.cleaned_data["color"],
            )
            messages.success(request, "Picture saved.")
    except DomainError as exc:
        return failed([exc.message], exc.status)
    return redirect(_images_anchor(product))


def _images_anchor(product: Product) -> str:
    return reverse("catalog:seller-product-edit", kwargs={"product_id": product.pk}) + "#images"
