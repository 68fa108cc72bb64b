"""Read functions of the cart app, for pages, the API and other apps.

``cart_view`` reads a whole cart in two queries whatever its number of lines; ``item_count_for`` (the
header badge) in at most one, and never creates a session or a cart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from cart.models import Cart, CartItem
from catalog import selectors as catalog_selectors
from catalog.errors import ProductNotFound
from inventory import selectors as inventory_selectors

# The guest's cart id in their session (Django keeps session data across sign-in, where it is merged).
SESSION_CART_KEY = "cart_id"
# Options shown first, in this order; any others follow alphabetically.
LEADING_OPTIONS = ("size", "color")


@dataclass(frozen=True)
class CartLine:
    item_id: int
    product_id: int
    variant_id: int
    seller_id: int
    seller_name: str
    product_name: str
    sku: str
    options: dict
    label: str  # "M / Red", "" for a variant without options
    image_url: str  # the first picture's thumbnail, "" without one
    url: str  # the product page
    unit_price: Decimal  # the variant's price now: what checkout charges
    price_at_add: Decimal
    quantity: int
    line_total: Decimal
    available: int  # units that can be bought now (0 when the product is no longer sold)
    discontinued: bool  # the product is no longer sold (archived)
    saved_for_later: bool

    @property
    def price_changed(self) -> bool:
        return self.unit_price != self.price_at_add

    @property
    def short(self) -> bool:
        """More is asked than can be bought now."""
        return self.quantity > self.available


@dataclass(frozen=True)
class CartView:
    cart_id: int | None
    lines: list[CartLine] = field(default_factory=list)  # in the cart: what checkout would buy
    saved: list[CartLine] = field(default_factory=list)  # saved for later
    currency: str = ""

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def count(self) -> int:
        """Units in the cart (saved-for-later lines do not count): the header badge's number."""
        return sum(line.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        """Some line cannot be bought as it stands (short of stock or no longer sold)."""
        return any(line.short or line.discontinued for line in self.lines)


@dataclass(frozen=True)
class CheckoutLine:
    """A cart line as checkout places it: the variant's current price, snapshot fields for the order."""

    item_id: int
    variant_id: int
    product_id: int
    seller_id: int
    product_name: str
    sku: str
    options: dict
    unit_price: Decimal
    quantity: int
    category_id: int | None = None  # the product's, for the commission rate


def option_items(options: dict) -> list[tuple[str, str]]:
    """A variant's options as (name, value) in display order: size and colour first, then the others by name;
    empty values left out. Every page listing options (cart, checkout, payment, order) uses this order."""
    keys = [k for k in LEADING_OPTIONS if options.get(k)] + sorted(k for k in options if k not in LEADING_OPTIONS)
    return [(k, str(options[k])) for k in keys if options.get(k) not in (None, "")]


def option_label(options: dict) -> str:
    """ "M / Red / Cotton": the values of option_items."""
    return " / ".join(value for _name, value in option_items(options))


def ordered_options(options: dict | None) -> dict:
    return dict(sorted((options or {}).items()))


def variants_on_sale(*, product_id: int) -> list:
    """The variants of a listed product, each with its product and ``available`` units, in display order;
    raises ProductNotFound for a missing or unlisted product (or one without variants)."""
    variants = list(
        catalog_selectors.variants_for(product_id=product_id)
        .filter(product__in=catalog_selectors.listed_products())
        .select_related("product")
        .defer("product__search_vector", "product__description")
    )
    if not variants:
        raise ProductNotFound()
    return variants


def cart_id_in_session(*, request: HttpRequest) -> int | None:
    """The guest cart id the session names, if any (it may be stale; callers check it still exists)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    value = session.get(SESSION_CART_KEY)
    return value if isinstance(value, int) else None


def cart_id_of(*, user) -> int | None:
    """The id of the user's cart, or None when they have none yet (or are not signed in)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Cart.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


def _units(items) -> int:
    return items.aggregate(n=Coalesce(Sum("quantity", filter=Q(saved_for_later=False)), 0))["n"]


def item_count_for(*, request: HttpRequest) -> int:
    """How many units the header's cart badge shows for this visitor: one query at most, and none for
    a visitor without a session; never creates a session or a cart."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _units(CartItem.objects.filter(cart__user_id=user.pk))
    cart_id = cart_id_in_session(request=request)
    if cart_id is None:
        return 0
    return _units(CartItem.objects.filter(cart_id=cart_id, cart__user__isnull=True))


def cart_view(*, cart_id: int | None) -> CartView:
    """Every line of a cart with what the cart page and API show, in two queries whatever the number
    of lines: the lines with their variants, products, sellers and stock, then the first pictures."""
    currency = settings.STORE_CURRENCY
    if cart_id is None:
        return CartView(cart_id=None, currency=currency)
    items = list(
        CartItem.objects.filter(cart_id=cart_id)
        .select_related("variant__product__seller", "variant__product__category")
        .defer("variant__product__search_vector", "variant__product__description")
        .annotate(
            available=inventory_selectors.variant_available("variant_id"),
            product_in_stock=inventory_selectors.product_in_stock("variant__product_id"),
        )
        .order_by("added_at", "id")
    )
    products = {}
    for item in items:
        product = item.variant.product
        product.in_stock = item.product_in_stock  # what a card shows; saves product_cards a query
        products.setdefault(product.pk, product)
    carded = {product.pk: product for product in catalog_selectors.with_card_data(list(products.values()))}

    lines: list[CartLine] = []
    saved: list[CartLine] = []
    for item in items:
        variant = item.variant
        product = carded[variant.product_id]
        discontinued = not product.is_listed
        options = ordered_options(variant.options)
        line = CartLine(
            item_id=item.pk,
            product_id=product.pk,
            variant_id=variant.pk,
            seller_id=product.seller_id,
            seller_name=product.seller.store_name,
            product_name=product.name,
            sku=variant.sku,
            options=options,
            label=option_label(options),
            image_url=product.card_image_url,
            url=product.card_url,
            unit_price=variant.price,
            price_at_add=item.unit_price_at_add,
            quantity=item.quantity,
            line_total=variant.price * item.quantity,
            available=0 if discontinued else max(item.available, 0),
            discontinued=discontinued,
            saved_for_later=item.saved_for_later,
        )
        (saved if item.saved_for_later else lines).append(line)
    return CartView(cart_id=cart_id, lines=lines, saved=saved, currency=currency)
