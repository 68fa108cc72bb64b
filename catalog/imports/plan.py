"""The dry run of an import: every row checked against the seller's catalogue, and what it would do.

A row is a variant keyed by its SKU. A SKU the seller already has changes that variant and its product
(or leaves them alone when every value is equal); a new SKU joins the product of the same name in the
file (one of its SKUs' product, or the new one the file creates), else the seller's one product of that
name, else a new product. Every problem is a RowError
(line, column, message); a plan with errors is never applied. The queries do not grow with the rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
import json
from typing import Any

from catalog.errors import InvalidField
from catalog.imports.formats import HEADERS, Table
from catalog.models import Category, Product, Variant
from catalog.services.categories import CATEGORY_PATH_SEPARATOR
from catalog.services.checks import MAX_VARIANTS, normalized_options
from inventory import selectors as inventory_selectors

CREATE, CHANGE, UNCHANGED = "create", "change", "unchanged"
PRODUCT_COLUMNS = ("name", "description", "category", "brand", "attributes", "status")
MAX_PRICE = Decimal("9999999999.99")  # Variant.price has 12 digits, 2 after the point
MAX_QUANTITY = 2_147_483_647
_LENGTHS = {"sku": 64, "name": 200, "brand": 100}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # the header as exported ("Price"), or "" for the whole row
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ProductPlan:
    """The product rows of the file belong to: an existing one (``product``) or one to create."""

    product: Product | None
    first_line: int
    values: dict[str, Any] = field(default_factory=dict)  # product columns as given (category as an id)
    rows: list[RowPlan] = field(default_factory=list)

    def changes(self) -> list[str]:
        """The product columns whose value differs from the product's (all of them for a new product)."""
        if self.product is None:
            return list(self.values)
        return [column for column, value in self.values.items() if _stored(self.product, column) != value]


@dataclass
class RowPlan:
    line: int
    sku: str
    name: str
    action: str = UNCHANGED
    variant: Variant | None = None
    product_plan: ProductPlan | None = None
    price: Decimal | None = None
    quantity: int | None = None
    options: dict[str, str] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[RowPlan]
    products: list[ProductPlan]
    errors: list[RowError]

    def counts(self) -> dict[str, int]:
        failing = {error.line for error in self.errors}
        counts = {CREATE: 0, CHANGE: 0, UNCHANGED: 0}
        for row in self.rows:
            if row.line not in failing:
                counts[row.action] += 1
        return counts | {"error_rows": len(failing)}


def format_attributes(attributes: dict) -> str:
    """Attributes as one cell, by name: ``fit=slim; material=cotton`` (``\\``, ``;`` and ``=`` escaped by ``\\``)."""
    return "; ".join(f"{_escape(str(key))}={_escape(_text(value))}" for key, value in sorted(attributes.items()))


def parse_attributes(text: str) -> dict[str, str]:
    """The inverse of ``format_attributes``; raises ValueError naming what is wrong."""
    pairs: list[list[str]] = []
    current, part, escaped = [""], 0, False
    for char in text:
        if escaped:
            current[part] += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            pairs.append(current)
            current, part = [""], 0
        elif char == "=" and part == 0:
            current.append("")
            part = 1
        else:
            current[part] += char
    pairs.append(current)
    attributes: dict[str, str] = {}
    for pair in pairs:
        if len(pair) == 1 and not pair[0].strip():
            continue
        if len(pair) == 1:
            raise ValueError(f"“{pair[0].strip()}” has no value: write name=value pairs separated by “;”.")
        key, value = pair[0].strip(), pair[1].strip()
        if not key:
            raise ValueError("An attribute has no name: write name=value pairs separated by “;”.")
        if key in attributes:
            raise ValueError(f"The attribute “{key}” is given twice.")
        attributes[key] = value
    return attributes


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace("=", "\\=")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _stored(product: Product, column: str) -> Any:
    """A product's value in the form the plan compares (attributes as their text form)."""
    if column == "category":
        return product.category_id
    if column == "attributes":
        return format_attributes(product.attributes or {})
    return getattr(product, column)


class _Categories:
    """Every category by slug and by path ("Clothing > Shoes", case-insensitive): one query."""

    def __init__(self) -> None:
        self.by_slug: dict[str, int] = {}
        self.by_path: dict[str, list[int]] = defaultdict(list)
        self.path_of: dict[int, str] = {}
        self.slug_of: dict[int, str] = {}
        for pk, slug, path in Category.objects.values_list("pk", "slug", "path_names"):
            self.by_slug[slug] = pk
            self.slug_of[pk] = slug
            self.by_path[_path_key(path)].append(pk)
            self.path_of[pk] = path

    def find(self, text: str) -> int:
        """The category a cell names; raises ValueError when none or several match."""
        if text in self.by_slug:
            return self.by_slug[text]
        matches = self.by_path.get(_path_key(text), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError("Several categories have this path: give the category's slug instead.")
        raise ValueError(
            f"No category has this slug or path (a path looks like “Clothing{CATEGORY_PATH_SEPARATOR}Shoes”)."
        )

    def label(self, category_id: int | None) -> str:
        """How the export names a category: its path, or its slug when the path is ambiguous."""
        if category_id is None:
            return ""
        path = self.path_of[category_id]
        if len(self.by_path[_path_key(path)]) == 1:
            return path
        return self.slug_of[category_id]


def _path_key(path: str) -> str:
    return CATEGORY_PATH_SEPARATOR.strip().join(part.strip().lower() for part in path.split(">"))


def categories() -> _Categories:
    return _Categories()


class _Checker:
    """Checks one file against one seller's catalogue, collecting every error."""

    def __init__(self, *, seller, table: Table) -> None:
        self.seller = seller
        self.columns = set(table.columns)
        self.table = table
        self.errors: list[RowError] = []

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line=line, column=HEADERS.get(column, column), message=message))

    def plan(self) -> Plan:
        rows = self.table.rows
        skus = {row.values.get("sku", "").strip() for row in rows} - {""}
        existing = {
            variant.sku: variant
            for variant in Variant.objects.filter(sku__in=skus)
            .select_related("product")
            .defer("product__search_vector")
        }
        own = {sku: variant for sku, variant in existing.items() if variant.product.seller_id == self.seller.pk}
        new_names = {row.values.get("name", "").strip() for row in rows if row.values.get("sku", "").strip() not in own}
        same_name: dict[str, list[Product]] = defaultdict(list)
        for product in Product.objects.filter(seller_id=self.seller.pk, name__in=new_names - {""}).defer(
            "search_vector"
        ):
            same_name[product.name].append(product)
        # A product the file names by one of its SKUs takes the new SKUs of rows giving it the same name
        # (a product renamed in the file keeps the sizes added with it).
        named_in_file: dict[str, Product] = {}
        for row in rows:
            variant = own.get(row.values.get("sku", "").strip())
            if variant is not None:
                named_in_file.setdefault(row.values.get("name", "").strip(), variant.product)
        self.categories = categories()

        plans: list[RowPlan] = []
        products: dict[tuple, ProductPlan] = {}
        seen_skus: dict[str, int] = {}
        for row in rows:
            values = {key: value.strip() for key, value in row.values.items()}
            line = row.line
            if row.extra_cells:
                self.error(line, "", "This row has more cells than the header has columns.")
            sku, name = values.get("sku", ""), values.get("name", "")
            plan = RowPlan(line=line, sku=sku, name=name)
            plans.append(plan)
            if not sku:
                self.error(line, "sku", "A SKU is required: it is how a row finds its variant again.")
            elif len(sku) > _LENGTHS["sku"]:
                self.error(line, "sku", f"At most {_LENGTHS['sku']} characters.")
            elif sku in seen_skus:
                self.error(line, "sku", f"This SKU is also on line {seen_skus[sku]}: one row per variant.")
            elif sku in existing and sku not in own:
                self.error(line, "sku", "Another seller's product uses this SKU.")
            if sku:
                seen_skus.setdefault(sku, line)
            if not name:
                self.error(line, "name", "A product name is required.")
            elif len(name) > _LENGTHS["name"]:
                self.error(line, "name", f"At most {_LENGTHS['name']} characters.")
            plan.price = self._price(line, values.get("price", ""))
            plan.quantity = self._quantity(line, values.get("quantity", ""))
            plan.variant = own.get(sku)
            plan.options = self._options(line, values, plan.variant)
            product_values = self._product_values(line, values)

            key: tuple | None
            if plan.variant is not None:
                key = ("id", plan.variant.product_id)
                product = plan.variant.product
            elif not name:
                key = product = None
            elif name in named_in_file:
                product = named_in_file[name]
                key = ("id", product.pk)
            elif len(same_name[name]) > 1:
                self.error(
                    line,
                    "name",
                    f"{len(same_name[name])} of your products have this name: add the variant on its product's page.",
                )
                key = product = None
            elif same_name[name]:
                product = same_name[name][0]
                key = ("id", product.pk)
            else:
                key, product = ("new", name), None
            if key is None:
                continue
            product_plan = products.get(key)
            if product_plan is None:
                product_plan = products[key] = ProductPlan(product=product, first_line=line, values=product_values)
            else:
                self._agree(line, product_plan, product_values)
            product_plan.rows.append(plan)
            plan.product_plan = product_plan

        for product_plan in products.values():
            if product_plan.product is None and product_plan.values.get("status") == Product.Status.ARCHIVED:
                self.error(product_plan.first_line, "status", "A new product is active or a draft.")
        self._check_variants(products)
        self._check_stock(plans)
        for plan in plans:
            self._decide(plan)
        self.errors.sort(key=lambda error: error.line)
        return Plan(rows=plans, products=list(products.values()), errors=self.errors)

    # --- Cells ---

    def _price(self, line: int, text: str) -> Decimal | None:
        if not text:
            self.error(line, "price", "A price is required.")
            return None
        try:
            price = Decimal(text)
        except InvalidOperation:
            self.error(line, "price", f"“{text}” is not a number.")
            return None
        if not price.is_finite() or price < 0:
            self.error(line, "price", "The price must be 0 or more.")
        elif price.as_tuple().exponent < -2 and price != price.quantize(Decimal("0.01")):
            self.error(line, "price", "At most 2 digits after the decimal point.")
        elif price > MAX_PRICE:
            self.error(line, "price", "The price is too large.")
        else:
            return price.quantize(Decimal("0.01"))
        return None

    def _quantity(self, line: int, text: str) -> int | None:
        if not text:
            self.error(line, "quantity", "A quantity is required (units on hand).")
            return None
        try:
            quantity = int(text)
        except ValueError:
            self.error(line, "quantity", f"“{text}” is not a whole number.")
            return None
        if quantity < 0:
            self.error(line, "quantity", "The quantity must be 0 or more.")
        elif quantity > MAX_QUANTITY:
            self.error(line, "quantity", "The quantity is too large.")
        else:
            return quantity
        return None

    def _options(self, line: int, values: dict[str, str], variant: Variant | None) -> dict[str, str]:
        # Options other than size and colour (set through the API) are kept as they are.
        options = {key: value for key, value in (variant.options if variant else {}).items()}
        for column, option in (("size", "size"), ("colour", "color")):
            if column not in self.columns:
                continue
            options.pop(option, None)
            if values.get(column):
                options[option] = values[column]
        try:
            return normalized_options(options)
        except InvalidField as exc:
            column = "colour" if exc.field.endswith("color") else "size"
            self.error(line, column, exc.message)
            return options

    def _product_values(self, line: int, values: dict[str, str]) -> dict[str, Any]:
        """The product columns of the row, checked; a column the file does not have (or a blank status) is
        left out: an existing product keeps its value, a new one gets the default."""
        product_values: dict[str, Any] = {}
        if values.get("name"):
            product_values["name"] = values["name"]
        for column in ("description", "brand"):
            if column in self.columns:
                product_values[column] = values.get(column, "")
        if len(product_values.get("brand", "")) > _LENGTHS["brand"]:
            self.error(line, "brand", f"At most {_LENGTHS['brand']} characters.")
        if "category" in self.columns:
            text = values.get("category", "")
            try:
                product_values["category"] = self.categories.find(text) if text else None
            except ValueError as exc:
                self.error(line, "category", str(exc))
        if "attributes" in self.columns:
            try:
                product_values["attributes"] = format_attributes(parse_attributes(values.get("attributes", "")))
            except ValueError as exc:
                self.error(line, "attributes", str(exc))
        status = values.get("status", "").lower()
        if status:
            if status in Product.Status.values:
                product_values["status"] = status
            else:
                self.error(line, "status", "The status is draft, active or archived.")
        return product_values

    def _agree(self, line: int, product_plan: ProductPlan, values: dict[str, Any]) -> None:
        """Rows of one product must give its columns the same values (the first row's)."""
        for column, value in values.items():
            if column not in product_plan.values:
                product_plan.values[column] = value
            elif product_plan.values[column] != value:
                self.error(
                    line,
                    column,
                    f"Differs from line {product_plan.first_line}: every row of one product gives it the same "
                    f"{HEADERS[column].lower()}.",
                )

    # --- Across rows ---

    def _check_variants(self, products: dict[tuple, ProductPlan]) -> None:
        """Each product's variants, those in the file and the others, have distinct options, and at most
        MAX_VARIANTS of them."""
        existing_ids = [plan.product.pk for plan in products.values() if plan.product is not None]
        others: dict[int, list[tuple[str, dict]]] = defaultdict(list)
        named = {row.sku for plan in products.values() for row in plan.rows}
        for product_id, sku, options in Variant.objects.filter(product_id__in=existing_ids).values_list(
            "product_id", "sku", "options"
        ):
            if sku not in named:
                others[product_id].append((sku, options))
        for key, plan in products.items():
            taken: dict[tuple, str] = {}
            kept = others.get(key[1], []) if key[0] == "id" else []
            for sku, options in kept:
                taken[tuple(sorted(options.items()))] = f"the variant {sku}"
            for row in plan.rows:
                options_key = tuple(sorted(row.options.items()))
                if options_key in taken:
                    what = "size and colour" if row.options else "options (none)"
                    self.error(row.line, "size", f"Same {what} as {taken[options_key]} of this product.")
                else:
                    taken[options_key] = f"line {row.line}"
            if len(kept) + len(plan.rows) > MAX_VARIANTS:
                self.error(plan.rows[-1].line, "", f"A product has at most {MAX_VARIANTS} variants.")

    def _check_stock(self, plans: list[RowPlan]) -> None:
        """Load the stock of the rows' existing variants (one query); a quantity below what is held is an error."""
        ids = [plan.variant.pk for plan in plans if plan.variant is not None]
        self.on_hand: dict[int, int] = {}
        if not ids:
            return
        levels = (
            inventory_selectors.stock_for_seller(seller_id=self.seller.pk)
            .filter(variant_id__in=ids)
            .values_list("variant_id", "on_hand", "held")
        )
        held: dict[int, int] = {}
        for variant_id, on_hand, units_held in levels:
            self.on_hand[variant_id] = on_hand
            held[variant_id] = units_held
        for plan in plans:
            if plan.variant is None or plan.quantity is None:
                continue
            units = held.get(plan.variant.pk, 0)
            if plan.quantity < units:
                self.error(
                    plan.line,
                    "quantity",
                    f"{units} units are held for pending orders: the quantity cannot be less than that.",
                )

    def _decide(self, plan: RowPlan) -> None:
        """Set the row's action and the columns it would change."""
        product_changes = plan.product_plan.changes() if plan.product_plan else []
        variant = plan.variant
        if variant is None:
            plan.action = CREATE
            return
        changes = list(product_changes)
        if plan.price is not None and plan.price != variant.price:
            changes.append("price")
        if plan.quantity is not None and plan.quantity != self.on_hand.get(variant.pk, 0):
            changes.append("quantity")
        if plan.options != variant.options:
            changes += [
                column
                for column, option in (("size", "size"), ("colour", "color"))
                if plan.options.get(option) != variant.options.get(option)
            ]
        plan.changes = [HEADERS[column] for column in changes]
        plan.action = CHANGE if changes else UNCHANGED


def build_plan(*, seller, table: Table) -> Plan:
    """Check every row of ``table`` against ``seller``'s catalogue: what each would do, and every error."""
    return _Checker(seller=seller, table=table).plan()
