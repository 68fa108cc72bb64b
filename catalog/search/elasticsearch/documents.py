"""The products index: its analyzers and mapping, and what one listed product's document holds.

Text fields share one analysis (lower-cased, accents folded, possessives dropped, English stems); the name
also has an edge n-gram subfield for the start of a word ("head" finds "headphones") and a completion field
for the search box. Filters and facets read keyword and numeric fields: the category and its ancestors'
ids (a category filter includes its descendants), lower-cased brand, sizes and colours (with their first
spelling, nested, for the facets' labels), price, rating, stock, seller, status.

Only listed (active) products are in the index. Nothing here talks to a server; the registration with
django-elasticsearch-dsl is for ``manage.py search_index --rebuild``.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django_elasticsearch_dsl import Document, Index, fields
from django_elasticsearch_dsl.registries import registry
from elasticsearch.dsl import analyzer, normalizer, token_filter

from catalog.models import Product
from catalog.selectors.categories import category_tree
from inventory import selectors as inventory_selectors

PRODUCTS_INDEX = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-products"
PREFIX_MIN, PREFIX_MAX = 3, 20  # edge n-grams: the start of a word from the shortest prefix search matches

english_stemmer = token_filter("shop_english_stemmer", type="stemmer", language="english")
english_possessive = token_filter("shop_english_possessive", type="stemmer", language="possessive_english")
word_starts = token_filter("shop_word_starts", type="edge_ngram", min_gram=PREFIX_MIN, max_gram=PREFIX_MAX)

# Indexed and searched the same way: "Men's Running Shoes" -> men, run, shoe.
product_text = analyzer(
    "shop_product_text",
    tokenizer="standard",
    filter=[english_possessive, "lowercase", "asciifolding", english_stemmer],
)
# Unstemmed words (the search side of prefixes, and suggestions).
product_words = analyzer("shop_product_words", tokenizer="standard", filter=["lowercase", "asciifolding"])
# Every start of every word of three letters or more: "headphones" -> hea, head, headp, ...
product_prefixes = analyzer(
    "shop_product_prefixes", tokenizer="standard", filter=["lowercase", "asciifolding", word_starts]
)
lowercase_keyword = normalizer("shop_lowercase", filter=["lowercase", "asciifolding"])

products_index = Index(PRODUCTS_INDEX)
products_index.settings(number_of_shards=1, number_of_replicas=0)


def _options_field() -> fields.NestedField:
    """A product's sizes (colours) as {key: lower-cased value, value: its first spelling}: facets count the key and
    show the spelling."""
    return fields.NestedField(properties={"key": fields.KeywordField(), "value": fields.KeywordField()})


@registry.register_document
@products_index.document
class ProductDocument(Document):
    id = fields.LongField()
    name = fields.TextField(
        analyzer=product_text,
        fields={"prefix": fields.TextField(analyzer=product_prefixes, search_analyzer=product_words)},
    )
    brand = fields.TextField(
        analyzer=product_text,
        fields={"keyword": fields.KeywordField(normalizer=lowercase_keyword), "raw": fields.KeywordField()},
    )
    category_path = fields.TextField(analyzer=product_text)
    description = fields.TextField(analyzer=product_text)
    category_id = fields.LongField()
    category_ids = fields.LongField()  # the category and its ancestors
    seller_id = fields.LongField()
    status = fields.KeywordField()
    price = fields.ScaledFloatField(scaling_factor=100)
    rating = fields.ScaledFloatField(scaling_factor=100)
    review_count = fields.IntegerField()
    sales_count = fields.IntegerField()
    trending_score = fields.FloatField()
    in_stock = fields.BooleanField()
    sizes = fields.KeywordField()  # lower-cased, for filters
    colors = fields.KeywordField()
    size_options = _options_field()
    color_options = _options_field()
    created_at = fields.DateField()
    suggest = fields.CompletionField(
        analyzer=product_words, preserve_separators=True, preserve_position_increments=True
    )

    class Django:
        model = Product
        ignore_signals = True  # indexed through the outbox (catalog.products_changed), never on a model save
        auto_refresh = False
        queryset_pagination = 500

    def get_queryset(self) -> QuerySet[Product]:
        """What ``search_index --rebuild`` (and the outbox's reindexing) reads: listed products with their stock."""
        return indexable_products()

    def should_index_object(self, obj: Product) -> bool:
        return obj.status == Product.Status.ACTIVE

    def prepare(self, instance: Product) -> dict:
        return product_document(instance)


def indexable_products() -> QuerySet[Product]:
    """Listed products, with ``in_stock`` and their category: everything a document needs, in one query."""
    return (
        Product.objects.filter(status=Product.Status.ACTIVE)
        .select_related("category")
        .defer("search_vector", "attributes")
        .annotate(in_stock=inventory_selectors.product_in_stock())
        .order_by("pk")
    )


def category_and_ancestors(category_id: int | None) -> list[int]:
    """The category's id and its ancestors', nearest first (empty without a category)."""
    tree, found = category_tree(), []
    node = tree.get(category_id) if category_id is not None else None
    while node is not None and node.id not in found:
        found.append(node.id)
        node = tree.get(node.parent_id) if node.parent_id else None
    return found


def suggest_inputs(name: str) -> list[str]:
    """The name from each of its words on ("Men's Running Shoes", "Running Shoes", "Shoes"): a completion
    field matches from the start of an input, and the search box matches the start of any word."""
    words = name.split()
    return [" ".join(words[i:]) for i in range(len(words))][:10]


def product_document(product: Product) -> dict:
    """The document of one product (read through ``indexable_products``, for ``in_stock``)."""
    sizes, colors = product.sizes or {}, product.colors or {}
    return {
        "id": product.pk,
        "name": product.name,
        "brand": product.brand,
        "category_path": product.category_text,
        "description": product.description,
        "category_id": product.category_id,
        "category_ids": category_and_ancestors(product.category_id),
        "seller_id": product.seller_id,
        "status": product.status,
        "price": float(product.price),
        "rating": float(product.rating),
        "review_count": product.review_count,
        "sales_count": product.sales_count,
        "trending_score": float(product.trending_score or 0),
        "in_stock": bool(getattr(product, "in_stock", product.stocked_variants > 0)),
        "sizes": sorted(sizes),
        "colors": sorted(colors),
        "size_options": [{"key": key, "value": sizes[key]} for key in sorted(sizes)],
        "color_options": [{"key": key, "value": colors[key]} for key in sorted(colors)],
        "created_at": product.created_at.isoformat(),
        "suggest": {"input": suggest_inputs(product.name), "weight": min(product.sales_count, 2**31 - 1)},
    }
