"""Search API (placeholder until search lands)."""

from rest_framework.generics import GenericAPIView


class SuggestView(GenericAPIView):
    pass
