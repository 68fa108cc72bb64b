"""Which products a catalog write changes, for ``shop.public_cache.bumps(products=...)``: the cached pieces of
other products' pages stay valid. Each takes the service's keyword arguments and its result."""

from __future__ import annotations


def named_product(kwargs: dict, result) -> tuple[int, ...]:
    """The product the service was called for (``product_id=``)."""
    return (kwargs["product_id"],)


def created_product(kwargs: dict, result) -> tuple[int, ...]:
    """The product the service made."""
    return (result.pk,)


def sold_products(kwargs: dict, result) -> tuple[int, ...]:
    """The products of a sales event (``units``: product id -> units)."""
    return tuple(int(pk) for pk, count in kwargs["units"].items() if pk and count)


def no_pieces(kwargs: dict, result) -> tuple[int, ...]:
    """Trending scores: no piece shows them (listings are not pieces; they follow the ``catalog`` subject)."""
    return ()
