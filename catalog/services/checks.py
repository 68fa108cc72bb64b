"""Checks shared by the catalog's use cases: input cleaning, and the owner check on a product.

Each raises a catalog error naming the field the client sent, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from catalog import locks
from catalog.errors import InvalidField, NotProductOwner, ProductNotFound
from catalog.models import Product
from shop.api.parsers import is_storable
from shop.money import quantize

MAX_VARIANTS = 100
MAX_ATTRIBUTES = 50
ATTRIBUTE_NAME_LENGTH = 60
ATTRIBUTE_VALUE_LENGTH = 500
MAX_ATTRIBUTE_LIST = 50
MAX_ATTRIBUTES_BYTES = 16 * 1024
OPTION_LENGTH = 40  # the size/color copies on Variant are this long
CENT = Decimal("0.01")  # a rating's precision (money is quantized by shop.money)


class _Unset:
    """Marks an argument the caller did not give (``None`` may be a real value, e.g. no category)."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclass
class VariantInput:
    """One variant as a client describes it; on create, a missing ``sku`` is generated and a missing
    ``price`` is the product's."""

    sku: str | None = None
    options: Mapping[str, Any] | None = None
    price: Decimal | None = None
    quantity: int | None = None
    low_stock_threshold: int | _Unset | None = UNSET

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> VariantInput:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


def normalized_options(options: Mapping[str, Any] | None, *, field: str = "options") -> dict[str, str]:
    """Options as stored: lower-case trimmed keys, trimmed text values, keys sorted; raises InvalidField."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise InvalidField('Options must be an object such as {"size": "M", "color": "red"}.', field=field)
    clean: dict[str, str] = {}
    for raw_key, raw_value in options.items():
        key = str(raw_key).strip().lower()
        if not key or len(key) > OPTION_LENGTH or not is_storable(key):
            raise InvalidField(f"Option names must be 1 to {OPTION_LENGTH} characters.", field=field)
        if isinstance(raw_value, bool) or not isinstance(raw_value, (str, int, float, Decimal)):
            raise InvalidField(f"The value of option {key!r} must be text.", field=f"{field}.{key}")
        value = str(raw_value).strip()
        if not value or len(value) > OPTION_LENGTH or not is_storable(value):
            raise InvalidField(f"Option values must be 1 to {OPTION_LENGTH} characters.", field=f"{field}.{key}")
        if key in clean:
            raise InvalidField(f"Option {key!r} is given twice.", field=field)
        clean[key] = value
    return dict(sorted(clean.items()))


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidField("This field may not be blank.", field="name")
    return name


def clean_attributes(attributes: Any) -> dict:
    """Attributes as stored; raises InvalidField unless they are at most MAX_ATTRIBUTES names of 1 to
    ATTRIBUTE_NAME_LENGTH characters, each valued with text (up to ATTRIBUTE_VALUE_LENGTH characters), a
    number, yes/no or a list of up to MAX_ATTRIBUTE_LIST of those, in MAX_ATTRIBUTES_BYTES of JSON at most:
    they are served with every product."""
    if attributes is None:
        return {}
    if not isinstance(attributes, Mapping):
        raise InvalidField('Attributes must be an object such as {"material": "cotton"}.', field="attributes")
    if len(attributes) > MAX_ATTRIBUTES:
        raise InvalidField(f"At most {MAX_ATTRIBUTES} attributes.", field="attributes")
    for name, value in attributes.items():
        if not isinstance(name, str) or not name.strip() or len(name) > ATTRIBUTE_NAME_LENGTH or not is_storable(name):
            raise InvalidField(
                f"Attribute names must be 1 to {ATTRIBUTE_NAME_LENGTH} characters of text.", field="attributes"
            )
        _check_attribute_value(value, field=f"attributes.{name}")
    if len(json.dumps(attributes, cls=DjangoJSONEncoder)) > MAX_ATTRIBUTES_BYTES:
        raise InvalidField(f"Attributes are limited to {MAX_ATTRIBUTES_BYTES // 1024} KB.", field="attributes")
    return dict(attributes)


def _check_attribute_value(value: Any, *, field: str) -> None:
    values = value if isinstance(value, list) else [value]
    if len(values) > MAX_ATTRIBUTE_LIST:
        raise InvalidField(f"At most {MAX_ATTRIBUTE_LIST} values.", field=field)
    for item in values:
        if item is None or isinstance(item, (bool, int, float, Decimal)):
            continue
        if not isinstance(item, str):
            raise InvalidField("An attribute is text, a number, yes/no or a list of those.", field=field)
        if len(item) > ATTRIBUTE_VALUE_LENGTH or not is_storable(item):
            raise InvalidField(
                f"Attribute values are up to {ATTRIBUTE_VALUE_LENGTH} characters, without NUL characters.", field=field
            )


def check_price(price: Decimal, *, field: str) -> Decimal:
    if price is None or price < 0:
        raise InvalidField("Ensure this value is greater than or equal to 0.", field=field)
    return quantize(price)


def check_quantity(quantity: int, *, field: str) -> int:
    if quantity < 0:
        raise InvalidField("Ensure this value is greater than or equal to 0.", field=field)
    return quantity


def check_owner(*, product: Product, actor) -> None:
    """Raise NotProductOwner unless ``actor`` owns ``product``; a draft is ProductNotFound to anyone else."""
    if actor is None or product.seller.user_id != actor.pk:
        if product.status == Product.Status.DRAFT:
            raise ProductNotFound()
        raise NotProductOwner()


def lock_own_product(*, product_id: int, actor) -> Product:
    """Lock the product row (FOR UPDATE) and check the actor owns it; a draft is not found by others."""
    product = locks.lock_product(product_id=product_id)
    if product is None:
        raise ProductNotFound()
    check_owner(product=product, actor=actor)
    return product
