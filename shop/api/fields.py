"""Answer fields several apps' APIs document alike."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "format": "decimal", "example": "19.99"})
class MoneyField(serializers.CharField):
    """Money in answers: a decimal string with two places."""
