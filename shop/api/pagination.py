"""The offset/limit pagination every list endpoint shares: the body names its list."""

from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class PageParams(serializers.Serializer):
    offset = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


def page_body(*, list_key: str, items: list, offset: int, limit: int, count: int) -> dict:
    """One page of a list as every list answer carries it; ``next_offset`` is None on the last page."""
    following = offset + limit
    return {
        list_key: items,
        "offset": offset,
        "limit": limit,
        "count": count,
        "next_offset": following if following < count else None,
    }


def page_serializer(name: str, *, list_key: str, item: type[serializers.Serializer], **extra: serializers.Field):
    """The schema of ``page_body`` (a component called ``name``) listing ``item``s, with ``extra`` fields after."""
    page = type(
        f"{name}Page",
        (serializers.Serializer,),
        {
            list_key: item(many=True),
            "offset": serializers.IntegerField(),
            "limit": serializers.IntegerField(),
            "count": serializers.IntegerField(),
            "next_offset": serializers.IntegerField(allow_null=True),
        },
    )
    # A subclass: DRF lists a base's fields first, so the page's fields come before ``extra`` (built earlier).
    return type(name, (page,), dict(extra))()


class OffsetLimitPagination(LimitOffsetPagination):
    """``?offset=&limit=`` (1..100, default 20); out-of-range values are a 400, not silently clamped.

    The view names its list with ``list_key`` (``products``, ``orders``, ...).
    """

    default_limit = 20
    max_limit = 100

    def paginate_queryset(self, queryset, request, view=None):
        params = PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        self.offset = params.validated_data["offset"]
        self.limit = params.validated_data["limit"]
        self.list_key = getattr(view, "list_key", "results")
        self.count = self.get_count(queryset)
        self.request = request
        if self.offset >= self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data):
        return Response(
            page_body(list_key=self.list_key, items=data, offset=self.offset, limit=self.limit, count=self.count)
        )

    def get_paginated_response_schema(self, schema):
        list_key = getattr(self, "list_key", "results")
        return {
            "type": "object",
            "required": [list_key, "offset", "limit", "count", "next_offset"],
            "properties": {
                list_key: schema,
                "offset": {"type": "integer", "example": 0},
                "limit": {"type": "integer", "example": 20},
                "count": {"type": "integer", "example": 42},
                "next_offset": {"type": "integer", "nullable": True, "example": 20},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "offset",
                "required": False,
                "in": "query",
                "description": "Index of the first item to return.",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            },
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": "How many items to return (1..100).",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            },
        ]
