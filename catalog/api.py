"""Catalog API: browse and search products, a product's detail, its variants, images and reviews, categories.

Reads are public and cacheable for a minute; writes need the owning seller. Answers are built as
plain dicts (the hot path); the output serializers below only describe them in the OpenAPI schema.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response

from catalog import services
from catalog.errors import CategoryNotFound, ProductNotFound
from catalog.images import MAX_BYTES as MAX_IMAGE_BYTES
from catalog.models import Product
from catalog.search import SORTS, SearchParams, personal, search_products
from catalog.selectors import products as selectors
from catalog.selectors import seller as seller_products_selectors
from catalog.selectors.categories import category_by_slug_or_id
from catalog.selectors.products import card_json as render_card
from catalog.selectors.products import category_json as _category
from catalog.selectors.products import file_url as _file_url
from catalog.selectors.products import seller_json as _seller
from catalog.selectors.products import storefront_url as _storefront_url
from inventory.selectors import available_by_variant
from sellers import selectors as seller_selectors
from shop import activity, public_cache
from shop.api.fields import MoneyField
from shop.api.pagination import page_body, page_serializer
from shop.db_router import reads_from_replica
from shop.money import to_str

PUBLIC_MAX_AGE = 60
MAX_QUANTITY = 1_000_000_000


def public(response: Response) -> Response:
    """The same answer for everyone: shared caches may keep it for a minute."""
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


class PublicReadMixin:
    """Anyone may read; changing anything needs a signed-in user (401), and the use case checks who (403)."""

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsAuthenticated()]


# --- Rendering ----------------------------------------------------------------------------------


def render_image(image) -> dict:
    return {
        "id": image.pk,
        "url": _file_url(image.image),
        "thumbnail": _file_url(image.thumbnail) or _file_url(image.image),
        "alt": image.alt_text,
        "color": image.color,
        "width": image.width,
        "height": image.height,
    }


def render_variant(variant, *, owner: bool) -> dict:
    body = {
        "sku": variant.sku,
        "options": dict(sorted(variant.options.items())),
        "price": to_str(variant.price),
        "currency": settings.STORE_CURRENCY,
        "available": max(variant.available, 0),
    }
    if owner:
        body["low_stock_threshold"] = variant.low_stock_threshold
    return body


def render_detail(detail) -> dict:
    product = detail.product
    body = {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "price": to_str(product.price),
        "currency": settings.STORE_CURRENCY,
        "category": _category(product.category),
        "brand": product.brand,
        "attributes": product.attributes,
        "images": [render_image(image) for image in detail.images],
        "seller": _seller(product),
        "rating": float(product.rating),
        "review_count": product.review_count,
        "rating_breakdown": {str(stars): n for stars, n in detail.rating_breakdown.items()},
        "status": product.status,
        "variants": [render_variant(v, owner=detail.viewer_is_owner) for v in detail.variants],
        "in_stock": detail.in_stock,
        "url": _storefront_url(product),
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }
    if detail.viewer_is_owner:
        body["low_stock_threshold"] = product.low_stock_threshold
    return body


def _author(user) -> str:
    """A reviewer as others see them: first name and last initial ("Ann S.")."""
    parts = (user.name or "").split()
    if not parts:
        return "A buyer"
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


def render_review(review) -> dict:
    return {
        "id": review.pk,
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
        "author": _author(review.user),
        "created_at": review.created_at,
        "verified_purchase": review.verified_purchase,
    }


# --- Schema of the answers (documentation only) -------------------------------------------------


class ProductCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class ProductSellerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    store_name = serializers.CharField()


class ProductCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    price = MoneyField(help_text="The lowest price of its variants.")
    currency = serializers.CharField(help_text="ISO 4217, the store's one currency.")
    category = ProductCategorySerializer(allow_null=True)
    seller = ProductSellerSerializer()
    brand = serializers.CharField()
    rating = serializers.FloatField(help_text="Average of the reviews, 0 without any.")
    review_count = serializers.IntegerField()
    image = serializers.CharField(allow_null=True, help_text="Thumbnail URL of the first image.")
    in_stock = serializers.BooleanField()
    url = serializers.CharField(help_text="The product's storefront page.")


ProductPageSerializer = page_serializer(
    "ProductPage",
    list_key="products",
    item=ProductCardSerializer,
    facets=serializers.DictField(
        required=False,
        help_text="With `q` (or `facets=1`): counts by category, brand, price band, rating, size and color.",
    ),
    query=serializers.CharField(required=False, help_text="With `q`: the query as understood."),
    corrected_query=serializers.CharField(
        required=False, allow_null=True, help_text="With `q`: the spelling actually searched after a typo."
    ),
)


class ProductImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    thumbnail = serializers.CharField()
    alt = serializers.CharField()
    color = serializers.CharField(help_text='The colour option it shows (a variant\'s "color"); "" for every colour.')
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


class VariantSerializer(serializers.Serializer):
    sku = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField(), help_text='e.g. {"size": "M", "color": "red"}')
    price = MoneyField()
    currency = serializers.CharField()
    available = serializers.IntegerField(help_text="Units that can be bought now.")
    low_stock_threshold = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only for the owning seller."
    )


class ProductDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    price = MoneyField(help_text="The lowest price of its variants.")
    currency = serializers.CharField()
    category = ProductCategorySerializer(allow_null=True)
    brand = serializers.CharField()
    attributes = serializers.DictField(help_text="Free-form specifications.")
    images = ProductImageSerializer(many=True)
    seller = ProductSellerSerializer()
    rating = serializers.FloatField()
    review_count = serializers.IntegerField()
    rating_breakdown = serializers.DictField(child=serializers.IntegerField(), help_text="Reviews per star, 5 to 1.")
    status = serializers.ChoiceField(choices=["active", "draft", "archived"])
    variants = VariantSerializer(many=True)
    in_stock = serializers.BooleanField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    low_stock_threshold = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only for the owning seller."
    )


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField()
    body = serializers.CharField()
    author = serializers.CharField(help_text='First name and last initial, e.g. "Ann S."')
    created_at = serializers.DateTimeField()
    verified_purchase = serializers.BooleanField(
        help_text="Written by a buyer who received the product (every review since only they may write one)."
    )


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField()
    path = serializers.CharField(help_text='e.g. "Clothing > Shoes > Running"')
    product_count = serializers.IntegerField(help_text="Listed products in it and all its sub-categories.")


class CategoryListSerializer(serializers.Serializer):
    categories = CategorySerializer(many=True)


# --- Input --------------------------------------------------------------------------------------


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "A category id or slug.", "example": "shoes"}
)
class CategoryRefField(serializers.Field):
    """A category by id or slug, resolved to its id."""

    default_error_messages = {"invalid": "Give a category id or slug.", "unknown": "No such category."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)) or not str(data).strip():
            self.fail("invalid")
        try:
            return category_by_slug_or_id(data).id
        except CategoryNotFound:
            self.fail("unknown")

    def to_representation(self, value):
        return value


def _price_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), **kwargs)


def _quantity_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY, **kwargs)


def _threshold_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_QUANTITY, required=False, allow_null=True, help_text="Alert at or below this."
    )


class VariantWriteSerializer(serializers.Serializer):
    sku = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        max_length=64,
        required=False,
        help_text="Unique in the store; letters, digits, '.', '_' and '-'. Generated when left out on create.",
        error_messages={"invalid": "Use letters, digits, '.', '_' and '-' only."},
    )
    options = serializers.DictField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text='What sets this variant apart, e.g. {"size": "M", "color": "red"}.',
    )
    price = _price_field(required=False, help_text="Defaults to the product's price.")
    quantity = _quantity_field(required=False, help_text="Stock on hand.")
    low_stock_threshold = _threshold_field()


class ProductWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    price = _price_field(
        required=False, help_text="Required unless every variant has a price; on PUT it sets every variant's price."
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    category = CategoryRefField(required=False, allow_null=True)
    brand = serializers.CharField(required=False, allow_blank=True, max_length=100)
    attributes = serializers.JSONField(required=False, help_text='Specifications, e.g. {"material": "cotton"}.')
    quantity = _quantity_field(
        required=False, help_text="Stock on hand of a product with one variant (give each variant its own otherwise)."
    )
    low_stock_threshold = _threshold_field()
    variants = serializers.ListField(child=VariantWriteSerializer(), required=False, max_length=services.MAX_VARIANTS)
    status = serializers.ChoiceField(
        choices=["active", "draft"], required=False, help_text="Drafts are visible to their owner only."
    )

    def validate_attributes(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError('Attributes must be an object such as {"material": "cotton"}.')
        return value

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        if "category" in data:
            data["category_id"] = data.pop("category")
        if "variants" in data:
            data["variants"] = [dict(item) for item in data["variants"]]
        return data


class VariantChangeSerializer(serializers.Serializer):
    price = _price_field(required=False)
    quantity = _quantity_field(required=False, help_text="Stock on hand.")
    low_stock_threshold = _threshold_field()


class ProductImageUploadSerializer(serializers.Serializer):
    image = serializers.ImageField(help_text="JPEG, PNG, GIF or WebP, up to 10 MB.")
    alt = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Defaults to the name.")
    color = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="A colour of its variants; blank: all."
    )

    def validate_image(self, value):
        if value.size > MAX_IMAGE_BYTES:
            raise serializers.ValidationError("The image is larger than 10 MB.")
        return value


class ReviewWriteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=150)
    body = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CommaListField(serializers.ListField):
    """A repeatable query parameter that also takes comma-separated values: ``brand=a&brand=b`` or ``brand=a,b``."""

    child = serializers.CharField(max_length=100)

    def to_internal_value(self, data):
        values = [part.strip() for item in data for part in str(item).split(",")]
        return super().to_internal_value([value for value in values if value])


class ProductQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Search words.")
    category = CategoryRefField(required=False, help_text="Id or slug; includes its sub-categories.")
    brand = CommaListField(required=False, max_length=20)
    min_price = _price_field(required=False)
    max_price = _price_field(required=False)
    rating_gte = serializers.IntegerField(required=False, min_value=0, max_value=5)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    size = CommaListField(required=False, max_length=20)
    color = CommaListField(required=False, max_length=20)
    seller = serializers.IntegerField(required=False, min_value=1, help_text="Only this seller's products.")
    sort = serializers.ChoiceField(choices=SORTS, required=False, help_text="Default: relevance with `q`, else newest.")
    facets = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Count facets (default: when `q` is given)."
    )
    offset = serializers.IntegerField(required=False, min_value=0, default=0)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    personalize = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Signed in, with `q`: equally relevant products in the order of your tastes (false: as for all).",
    )

    LIST_PARAMS = ("brand", "size", "color")

    @classmethod
    def from_query(cls, query_params) -> ProductQuerySerializer:
        data = {
            key: query_params.getlist(key) if key in cls.LIST_PARAMS else query_params.get(key)
            for key in query_params
            if key in cls._declared_fields
        }
        return cls(data=data)

    def validate(self, attrs):
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_price": ["Must not be below min_price."]})
        return attrs

    def search_params(self, *, user=None) -> SearchParams:
        """The search asked for; with a signed-in ``user`` and ``q``, ordered by their tastes unless
        ``personalize=false``."""
        data = self.validated_data
        q = data.get("q", "").strip()
        affinity = personal.affinity_for(user) if q and data["personalize"] else None
        return SearchParams(
            q=q,
            category_id=data.get("category"),
            brands=tuple(data.get("brand", ())),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            rating_gte=data.get("rating_gte"),
            in_stock=data.get("in_stock"),
            sizes=tuple(data.get("size", ())),
            colors=tuple(data.get("color", ())),
            seller_id=data.get("seller"),
            sort=data.get("sort"),
            offset=data["offset"],
            limit=data["limit"],
            with_facets=data["facets"] if data.get("facets") is not None else bool(q),
            affinity=affinity,
        )


# --- Views --------------------------------------------------------------------------------------


def _detail_piece(*, product_id: int, user) -> dict:
    """A product's detail as anyone but its owner sees it, without stock: what the shared cache keeps
    (``shop.public_cache.piece``) while the product's version stands."""
    detail = selectors.product_detail(product_id=product_id, user=user)
    body = render_detail(dataclasses.replace(detail, viewer_is_owner=False))
    return {
        "body": body,
        "variant_ids": [v.pk for v in detail.variants],
        "owner_id": detail.product.seller.user_id,
    }


def _shared_detail(*, product_id: int, user) -> dict | None:
    """The detail from the shared piece with this moment's stock, or None for the product's owner (who sees
    stock settings too: computed in full). Raises ProductNotFound for someone else's draft."""
    piece = public_cache.piece(
        "api-detail-v1", product_id=product_id, compute=lambda: _detail_piece(product_id=product_id, user=user)
    )
    if user is not None and user.is_authenticated and piece["owner_id"] == user.pk:
        return None
    if piece["body"]["status"] == Product.Status.DRAFT:
        raise ProductNotFound()
    available = available_by_variant(variant_ids=piece["variant_ids"])
    body = dict(piece["body"])
    body["variants"] = [
        {**variant, "available": max(available.get(variant_id, 0), 0)}
        for variant_id, variant in zip(piece["variant_ids"], body["variants"], strict=True)
    ]
    body["in_stock"] = any(variant["available"] > 0 for variant in body["variants"])
    return body


def _detail_response(*, product_id: int, user, status_code: int = status.HTTP_200_OK) -> Response:
    # Signed-in readers only: an anonymous answer is kept whole by the public answer cache.
    signed_in = user is not None and user.is_authenticated
    if status_code == status.HTTP_200_OK and signed_in and (body := _shared_detail(product_id=product_id, user=user)):
        return Response(body)
    detail = selectors.product_detail(product_id=product_id, user=user)
    response = Response(render_detail(detail), status=status_code)
    if status_code == status.HTTP_201_CREATED:
        response["Location"] = reverse("api:catalog:product", kwargs={"product_id": product_id})
    elif detail.viewer_is_owner:
        # The owner sees stock settings others do not: never from a shared cache.
        patch_cache_control(response, private=True, no_cache=True)
    return response


class ProductListCreateView(PublicReadMixin, GenericAPIView):
    """Browse and search listed products (anyone), or list a new product (sellers)."""

    serializer_class = ProductWriteSerializer
    pagination_class = None

    @property
    def problem_responses(self):
        if self.request.method == "POST":
            return {403: "Signed in but not a seller (permission_denied)."}
        return {400: "Invalid query, e.g. an unknown category or sort (validation_error)."}

    @extend_schema(
        operation_id="products_list",
        summary="Browse or search products",
        parameters=[ProductQuerySerializer],
        responses={200: ProductPageSerializer},
    )
    @reads_from_replica
    def get(self, request):
        query = ProductQuerySerializer.from_query(request.query_params)
        query.is_valid(raise_exception=True)
        params = query.search_params(user=request.user)
        result = search_products(params)
        if params.q and not params.offset:
            activity.record(request=request, kind="search", value=params.q)
        products = selectors.product_cards(result.products)
        body = page_body(
            list_key="products",
            items=[render_card(product) for product in products],
            offset=params.offset,
            limit=params.limit,
            count=result.count,
        )
        if params.with_facets:
            body["facets"] = result.facets or {}
        if params.q:
            body["query"] = result.query or params.q
            body["corrected_query"] = result.corrected_query
        if request.user.is_authenticated:
            return Response(body)  # private (shop.api.middleware): may be ordered by this shopper's tastes
        return public(Response(body))

    @extend_schema(
        operation_id="products_create",
        summary="List a new product",
        request=ProductWriteSerializer,
        responses={201: ProductDetailSerializer},
    )
    def post(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = services.create_product(seller=seller, actor=request.user, **serializer.service_arguments())
        return _detail_response(product_id=product.pk, user=request.user, status_code=status.HTTP_201_CREATED)


class ProductDetailView(PublicReadMixin, GenericAPIView):
    """A product with its variants and images; its owner changes it (PUT) or archives it (DELETE)."""

    serializer_class = ProductWriteSerializer

    @extend_schema(
        operation_id="products_retrieve", summary="A product's detail", responses={200: ProductDetailSerializer}
    )
    @reads_from_replica
    def get(self, request, product_id: int):
        response = _detail_response(product_id=product_id, user=request.user)
        return response if response.has_header("Cache-Control") else public(response)

    @extend_schema(
        operation_id="products_update",
        summary="Change a product (any subset of the fields)",
        request=ProductWriteSerializer(partial=True),
        responses={200: ProductDetailSerializer},
    )
    def put(self, request, product_id: int):
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_product(product_id=product_id, actor=request.user, **serializer.service_arguments())
        return _detail_response(product_id=product_id, user=request.user)

    @extend_schema(
        operation_id="products_archive",
        summary="Archive a product",
        responses={204: OpenApiResponse(description="Archived.")},
    )
    def delete(self, request, product_id: int):
        services.archive_product(product_id=product_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VariantDetailView(GenericAPIView):
    """The owner changes one variant's price, stock on hand or low-stock threshold."""

    serializer_class = VariantChangeSerializer
    problem_responses = {409: "Stock cannot go below the units held for pending orders (stock_below_held)."}

    @extend_schema(
        operation_id="products_variants_update", summary="Change a variant", responses={200: VariantSerializer}
    )
    def patch(self, request, product_id: int, sku: str):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_variant(product_id=product_id, sku=sku, actor=request.user, **serializer.validated_data)
        variant = selectors.variant_of(product_id=product_id, sku=sku)
        return Response(render_variant(variant, owner=True))


class ProductImageCreateView(GenericAPIView):
    """The owner adds a picture (multipart ``image``, optional ``alt``); a ~400 px thumbnail is made."""

    serializer_class = ProductImageUploadSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="products_images_create", summary="Add a product image", responses={201: ProductImageSerializer}
    )
    def post(self, request, product_id: int):
        selectors.product_for_owner(product_id=product_id, user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        image = services.add_image(
            product_id=product_id,
            actor=request.user,
            image=serializer.validated_data["image"],
            alt_text=serializer.validated_data.get("alt", ""),
            color=serializer.validated_data.get("color", ""),
        )
        return Response(render_image(image), status=status.HTTP_201_CREATED)


class ProductImageChangeSerializer(serializers.Serializer):
    alt_text = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Blank: the name.")
    color = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="A colour of its variants; blank: all."
    )
    position = serializers.IntegerField(required=False, min_value=0, help_text="Its place in the gallery, 0 first.")


class ProductImageDetailView(GenericAPIView):
    """The owning seller describes (alt text, colour), moves or deletes one picture; anyone else gets 404."""

    serializer_class = ProductImageChangeSerializer
    pagination_class = None

    def _own_image(self, product_id: int, image_id: int):
        seller = seller_selectors.seller_of(user=self.request.user)
        return seller_products_selectors.own_image(seller_id=seller.pk, product_id=product_id, image_id=image_id)

    @extend_schema(
        operation_id="products_images_update", summary="Change a product image", responses={200: ProductImageSerializer}
    )
    def patch(self, request, product_id: int, image_id: int):
        self._own_image(product_id, image_id)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        image = services.update_image(
            product_id=product_id, image_id=image_id, actor=request.user, **serializer.validated_data
        )
        return Response(render_image(image))

    @extend_schema(
        operation_id="products_images_delete",
        summary="Delete a product image",
        responses={204: OpenApiResponse(description="Deleted.")},
    )
    def delete(self, request, product_id: int, image_id: int):
        self._own_image(product_id, image_id)
        services.delete_image(product_id=product_id, image_id=image_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The seller's own products --------------------------------------------------------------------


class SellerVariantStockSerializer(serializers.Serializer):
    sku = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField())
    price = MoneyField()
    on_hand = serializers.IntegerField()
    available = serializers.IntegerField(help_text="On hand less what checkouts hold.")
    low_stock = serializers.BooleanField(help_text="Available at or below the low-stock threshold.")


class SellerProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    status = serializers.CharField(help_text="draft, active or archived.")
    brand = serializers.CharField()
    price = MoneyField(help_text="The lowest variant price.")
    max_price = MoneyField(help_text="The highest variant price.")
    currency = serializers.CharField()
    low_stock_threshold = serializers.IntegerField(allow_null=True)
    image = serializers.CharField(allow_null=True, help_text="Thumbnail URL of the first image.")
    variants = SellerVariantStockSerializer(many=True)
    url = serializers.CharField(help_text="The product's storefront page.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class SellerProductQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Name, brand or SKU.")
    status = serializers.ChoiceField(choices=Product.Status.choices, required=False, help_text="Only this status.")


def render_seller_product(product) -> dict:
    """A product of ``selectors.with_stock``, as its seller sees it in their list."""
    image = product.card_image
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "status": product.status,
        "brand": product.brand,
        "price": to_str(product.price),
        "max_price": to_str(product.max_price if product.max_price is not None else product.price),
        "currency": settings.STORE_CURRENCY,
        "low_stock_threshold": product.low_stock_threshold,
        "image": (_file_url(image.thumbnail) or _file_url(image.image)) if image is not None else None,
        "variants": [
            {
                "sku": row.variant.sku,
                "options": dict(sorted((row.variant.options or {}).items())),
                "price": to_str(row.variant.price),
                "on_hand": row.on_hand,
                "available": row.available,
                "low_stock": row.low,
            }
            for row in product.stock_rows
        ],
        "url": _storefront_url(product),
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


class SellerProductListView(GenericAPIView):
    """The calling seller's products in every status, newest first, with stock per variant."""

    serializer_class = SellerProductSerializer
    list_key = "products"
    problem_responses = {403: "The caller is not a seller (permission_denied)."}

    @extend_schema(
        operation_id="seller_products_list",
        summary="Your products",
        parameters=[SellerProductQuerySerializer],
        responses={200: SellerProductSerializer(many=True)},
    )
    def get(self, request):
        seller = seller_selectors.seller_of(user=request.user)
        query = SellerProductQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        products = seller_products_selectors.seller_products(
            seller_id=seller.pk, q=query.validated_data.get("q", ""), status=query.validated_data.get("status", "")
        )
        page = self.paginate_queryset(products)
        rows = seller_products_selectors.with_stock(seller_id=seller.pk, products=page)
        return self.get_paginated_response([render_seller_product(product) for product in rows])


class ReviewListCreateView(PublicReadMixin, GenericAPIView):
    """A product's reviews, newest first (anyone); a signed-in buyer who received it writes one (one per product)."""

    serializer_class = ReviewWriteSerializer
    list_key = "reviews"

    @property
    def problem_responses(self):
        if self.request.method == "POST":
            return {
                403: (
                    "The product's own seller cannot review it (own_product); nor can a buyer who has not received"
                    " it (not_a_verified_buyer)."
                ),
                409: "The caller already reviewed this product (already_reviewed).",
            }
        return {}

    @extend_schema(
        operation_id="products_reviews_list",
        summary="A product's reviews",
        responses={200: ReviewSerializer(many=True)},
    )
    @reads_from_replica
    def get(self, request, product_id: int):
        product = selectors.visible_product(product_id=product_id, user=request.user)
        page = self.paginate_queryset(selectors.reviews_for(product_id=product.pk))
        response = self.get_paginated_response([render_review(review) for review in page])
        return public(response) if product.is_listed else response

    @extend_schema(
        operation_id="products_reviews_create",
        summary="Review a product",
        request=ReviewWriteSerializer,
        responses={201: ReviewSerializer},
    )
    def post(self, request, product_id: int):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.write_review(product_id=product_id, user=request.user, **serializer.validated_data)
        return Response(render_review(review), status=status.HTTP_201_CREATED)


class CategoryListView(GenericAPIView):
    """Every category, parents before children, with the number of listed products in each subtree."""

    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(operation_id="categories_list", summary="The category tree", responses={200: CategoryListSerializer})
    @reads_from_replica
    def get(self, request):
        categories = [
            {
                "id": entry.node.id,
                "slug": entry.node.slug,
                "name": entry.node.name,
                "parent": entry.node.parent_id,
                "depth": entry.node.depth,
                "path": entry.node.path_names or entry.node.name,
                "product_count": entry.product_count,
            }
            for entry in selectors.categories_with_counts()
        ]
        return public(Response({"categories": categories}))
