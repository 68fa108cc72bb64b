"""Search API: suggestions for the search box as the shopper types, with a corrected spelling when the
typed words start nothing."""

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog.search import SearchParams, search_products, suggest
from catalog.search.query import normalize_words
from shop.db_router import reads_from_replica

SUGGESTIONS = 8
MAX_AGE = 60


class SuggestParams(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", help_text="What has been typed so far."
    )


class SuggestedProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField(help_text="The product's page.")


class SuggestedCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(help_text="The category's page.")


class SuggestionsSerializer(serializers.Serializer):
    q = serializers.CharField()
    corrected = serializers.CharField(
        allow_null=True,
        help_text="A corrected spelling of `q` when nothing starts with what was typed; the products and "
        "categories are then those of the correction. Null otherwise.",
    )
    products = SuggestedProductSerializer(many=True)
    categories = SuggestedCategorySerializer(many=True)


class SuggestView(GenericAPIView):
    """Top product names and categories starting with the typed words (or their corrected spelling);
    the same for everyone."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public and cacheable: nothing depends on who asks
    pagination_class = None
    serializer_class = SuggestParams
    problem_responses = {400: "`q` longer than 100 characters (validation_error)."}

    @extend_schema(parameters=[SuggestParams], responses={200: SuggestionsSerializer})
    @reads_from_replica
    def get(self, request):
        params = SuggestParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data["q"]
        suggestions = suggest(q, limit=SUGGESTIONS) if q.strip() else {"products": [], "categories": []}
        corrected = None
        if normalize_words(q) and not (suggestions["products"] or suggestions["categories"]):
            # Nothing starts with a misspelt word: offer what the search itself would correct it to.
            corrected = search_products(SearchParams(q=q, limit=1)).corrected_query
            if corrected:
                suggestions = suggest(corrected, limit=SUGGESTIONS)
        response = Response(SuggestionsSerializer({"q": q, "corrected": corrected, **suggestions}).data)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response
