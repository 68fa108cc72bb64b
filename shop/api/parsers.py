"""The API's JSON parser: DRF's, bounded, and refusing text PostgreSQL cannot store.

A body larger than API_JSON_MAX_BYTES or nested deeper than API_JSON_MAX_DEPTH is a 400 ``parse_error``
(deep nesting would otherwise exhaust the parser's recursion); a NUL character or a lone UTF-16
surrogate in any string or key is a 400 ``validation_error`` naming where it is. It is every view's parser
(DEFAULT_PARSER_CLASSES, simplejwt's token views included); the signed webhooks, which read their bodies
raw, check them with ``unstorable_text``.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

# NUL cannot be stored in a PostgreSQL text column; a lone surrogate cannot be encoded as UTF-8 at all.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "NUL characters and unpaired surrogates are not allowed."


def is_storable(text: str) -> bool:
    """Whether a text can be stored as it is: no NUL character, no unpaired surrogate."""
    return UNSTORABLE.search(text) is None


def escape_unstorable(where: str) -> str:
    """A place safe to echo back in an error: the offending characters as ``\\uXXXX``."""
    return UNSTORABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", where)


def unstorable_text(value: Any, *, max_depth: int | None = None) -> str | None:
    """Where in a parsed JSON value a string or key holds a NUL or a lone surrogate (``"a.0.b"``, ``""`` for
    the value itself), or None; raises ParseError when the value nests deeper than ``max_depth``."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        node, where, depth = stack.pop()
        if isinstance(node, str):
            if UNSTORABLE.search(node):
                return escape_unstorable(where)
            continue
        if not isinstance(node, (dict, list)):
            continue
        if max_depth is not None and depth > max_depth:
            raise exceptions.ParseError(f"JSON nested deeper than {max_depth} levels.")
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in children:
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and UNSTORABLE.search(key):
                return escape_unstorable(path)
            stack.append((item, path, depth + 1))
    return None


class BoundedJSONParser(JSONParser):
    """JSON bodies up to API_JSON_MAX_BYTES, API_JSON_MAX_DEPTH levels deep, with storable text only."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise exceptions.ParseError(f"JSON bodies are limited to {limit} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(codecs.decode(raw, encoding), parse_constant=strict_constant)
        except RecursionError:
            raise exceptions.ParseError(f"JSON nested deeper than {settings.API_JSON_MAX_DEPTH} levels.") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        where = unstorable_text(data, max_depth=settings.API_JSON_MAX_DEPTH)
        if where is not None:
            raise exceptions.ValidationError({where or "non_field_errors": [UNSTORABLE_MESSAGE]})
        return data
