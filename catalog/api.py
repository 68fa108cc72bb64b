"""Catalog API (placeholder until the API lands)."""

from rest_framework.generics import GenericAPIView


class ProductListCreateView(GenericAPIView):
    pass


class ProductDetailView(GenericAPIView):
    pass


class VariantDetailView(GenericAPIView):
    pass


class ProductImageCreateView(GenericAPIView):
    pass


class ReviewListCreateView(GenericAPIView):
    pass


class CategoryListView(GenericAPIView):
    pass
