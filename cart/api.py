"""Cart API: the caller's cart, adding a product (``otherDetails`` picks the variant), changing and
removing lines.

Signed-in callers (JWT or session) use their one cart; a storefront guest uses the cart of their
session, with CSRF checked on every change. Answers are per visitor, never cached publicly.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response

from cart import selectors, services
from shop import activity
from shop.api.fields import MoneyField
from shop.money import to_str

# --- Rendering ----------------------------------------------------------------------------------


def render_line(line: selectors.CartLine) -> dict:
    return {
        "id": line.product_id,
        "item_id": line.item_id,
        "variant_id": line.variant_id,
        "sku": line.sku,
        "name": line.product_name,
        "quantity": line.quantity,
        "options": line.options,
        "unit_price": to_str(line.unit_price),
        "price_at_add": to_str(line.price_at_add),
        "line_total": to_str(line.line_total),
        "available": line.available,
        "price_changed": line.price_changed,
        "short": line.short,
        "discontinued": line.discontinued,
        "image": line.image_url or None,
        "url": line.url,
        "seller": {"id": line.seller_id, "store_name": line.seller_name},
    }


def render_cart(view: selectors.CartView) -> dict:
    return {
        "products": [render_line(line) for line in view.lines],
        "subtotal": to_str(view.subtotal),
        "currency": view.currency,
        "count": view.count,
        "saved_for_later": [render_line(line) for line in view.saved],
    }


# --- Schema of the answers (documentation only) -------------------------------------------------


class CartSellerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    store_name = serializers.CharField()


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The product's id.")
    item_id = serializers.IntegerField(help_text="The line's id, for PATCH and DELETE.")
    variant_id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    options = serializers.DictField(child=serializers.CharField(), help_text='e.g. {"size": "M", "color": "red"}')
    unit_price = MoneyField(help_text="The price now: what checkout charges.")
    price_at_add = MoneyField(help_text="The price when the line was added.")
    line_total = MoneyField()
    available = serializers.IntegerField(help_text="Units that can be bought now (0 when no longer sold).")
    price_changed = serializers.BooleanField(help_text="The price differs from when the line was added.")
    short = serializers.BooleanField(help_text="The quantity is more than can be bought now.")
    discontinued = serializers.BooleanField(help_text="The product is no longer sold.")
    image = serializers.CharField(allow_null=True, help_text="Thumbnail URL of the product's first image.")
    url = serializers.CharField(help_text="The product's storefront page.")
    seller = CartSellerSerializer()


class CartSerializer(serializers.Serializer):
    products = CartLineSerializer(many=True, help_text="The lines in the cart.")
    subtotal = MoneyField(help_text="The lines in the cart at today's prices.")
    currency = serializers.CharField(help_text="ISO 4217, the store's one currency.")
    count = serializers.IntegerField(help_text="Units in the cart (saved-for-later lines not counted).")
    saved_for_later = CartLineSerializer(many=True)


# --- Input --------------------------------------------------------------------------------------


class AddToCartSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_LINE_QUANTITY, default=1)
    otherDetails = serializers.DictField(  # the contract's name
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        allow_null=True,
        help_text='The variant\'s options, e.g. {"size": "M", "color": "red"}; a product with one variant needs none.',
    )
    sku = serializers.CharField(max_length=64, required=False, help_text="Pick the variant by SKU instead.")


class CartItemChangeSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=0, max_value=services.MAX_LINE_QUANTITY, required=False, help_text="0 removes the line."
    )
    saved_for_later = serializers.BooleanField(
        required=False, help_text="true moves the line out of the cart, false back into it."
    )

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError("Give either quantity or saved_for_later.")
        return attrs


# --- Views --------------------------------------------------------------------------------------


class CartMixin:
    """Anyone may use a cart; a guest's changes must carry the CSRF token of their storefront session."""

    permission_classes = [AllowAny]
    pagination_class = None
    # What a view that changes the cart adds to its problem_responses.
    CSRF_PROBLEM = "A guest's request without the CSRF token of their session (permission_denied)."

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS and not request.user.is_authenticated:
            SessionAuthentication().enforce_csrf(request)

    @staticmethod
    def cart_response(cart_id: int | None, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(render_cart(selectors.cart_view(cart_id=cart_id)), status=status_code)


class CartView(CartMixin, GenericAPIView):
    """The caller's cart: the lines in it and those saved for later."""

    serializer_class = CartSerializer

    @extend_schema(operation_id="cart_retrieve", summary="The caller's cart", responses={200: CartSerializer})
    def get(self, request):
        return self.cart_response(services.cart_id_for(request=request, create=False))


class CartAddView(CartMixin, GenericAPIView):
    """Add units of a product to the cart; ``otherDetails`` picks the variant."""

    serializer_class = AddToCartSerializer
    problem_responses = {
        400: "Invalid input, or otherDetails names no variant of the product (validation_error).",
        403: CartMixin.CSRF_PROBLEM,
        409: "More than is available would be in the cart (out_of_stock; `lines` names the variant).",
    }

    @extend_schema(
        operation_id="cart_add",
        summary="Add a product to the cart",
        request=AddToCartSerializer,
        responses={201: CartSerializer},
    )
    def post(self, request, product_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cart_id = services.cart_id_for(request=request, create=True)
        services.add_to_cart(
            cart_id=cart_id,
            product_id=product_id,
            quantity=data["quantity"],
            options=data.get("otherDetails") or None,
            sku=data.get("sku") or None,
        )
        activity.record(request=request, kind="cart_add", value=product_id)
        return self.cart_response(cart_id, status_code=status.HTTP_201_CREATED)


class CartItemView(CartMixin, GenericAPIView):
    """Change a line's quantity (0 removes it), save it for later or move it back, or remove it."""

    serializer_class = CartItemChangeSerializer
    problem_responses = {
        403: CartMixin.CSRF_PROBLEM,
        409: "A higher quantity than is available (out_of_stock).",
    }

    @extend_schema(
        operation_id="cart_items_update",
        summary="Change a cart line",
        request=CartItemChangeSerializer,
        responses={200: CartSerializer},
    )
    def patch(self, request, item_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cart_id = services.cart_id_for(request=request, create=False)
        if "quantity" in data:
            services.set_quantity(cart_id=cart_id, item_id=item_id, quantity=data["quantity"])
        else:
            services.set_saved_for_later(cart_id=cart_id, item_id=item_id, saved=data["saved_for_later"])
        return self.cart_response(cart_id)

    @extend_schema(operation_id="cart_items_destroy", summary="Remove a cart line", responses={200: CartSerializer})
    def delete(self, request, item_id: int):
        cart_id = services.cart_id_for(request=request, create=False)
        services.remove_item(cart_id=cart_id, item_id=item_id)
        return self.cart_response(cart_id)
