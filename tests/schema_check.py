"""Every JSON answer a test receives from /api/ is checked against the OpenAPI schema at /api/schema/.

The schema is generated once per run, in-process, by drf-spectacular; bodies are checked with jsonschema.
A response must fit the operation's schema for its status code (problem+json errors included), and the
request body of an accepted (2xx) JSON request must fit the operation's request schema. Answers are
closed: a field the schema does not name is drift too, so clients can rely on the documented shape.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
import functools
import json
import re
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

# The schema's own pages are documentation, not operations.
DOC_PATHS = ("/api/schema/", "/api/docs/", "/api/redoc/")
JSON_TYPES = ("application/json", "application/problem+json")


class SchemaMismatch(AssertionError):
    """An answer (or an accepted request) that the OpenAPI schema does not describe."""


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    spec: dict

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.template} ({self.spec.get('operationId', '?')})"


@functools.cache
def openapi_schema() -> dict:
    """The schema /api/schema/ serves, as plain JSON values (generated once per run)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


@functools.cache
def _json_components(*, closed: bool) -> dict:
    return _to_json_schema(openapi_schema().get("components", {}), closed=closed)


@functools.cache
def _routes() -> list[tuple[re.Pattern, str]]:
    """Path templates as regexes, literal paths first so ``/me/addresses`` beats ``/me/{id}``."""
    routes = []
    for template in openapi_schema()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), template))
    return sorted(routes, key=lambda route: (route[1].count("{"), route[1]))


def find_operation(*, method: str, path: str) -> Operation | None:
    """The documented operation for a request, or None when its path is not in the schema."""
    for pattern, template in _routes():
        if pattern.match(path):
            item = openapi_schema()["paths"][template]
            spec = item.get(method.lower())
            return Operation(method=method, template=template, spec=spec) if spec is not None else None
    return None


def _to_json_schema(node: Any, *, closed: bool) -> Any:
    """OpenAPI 3.0 schema objects to JSON Schema: ``nullable`` becomes null-or, objects optionally closed."""
    if isinstance(node, list):
        return [_to_json_schema(item, closed=closed) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _to_json_schema(value, closed=closed) for key, value in node.items()}
    if closed and "properties" in converted and "additionalProperties" not in converted:
        converted["additionalProperties"] = False
    if converted.pop("nullable", False):
        converted = {"anyOf": [{"type": "null"}, converted]}
    return converted


@functools.cache
def _validator(method: str, template: str, where: str, status: str, content_type: str) -> Draft4Validator | None:
    spec = openapi_schema()["paths"][template][method]
    if where == "request":
        content = spec.get("requestBody", {}).get("content", {})
    else:
        content = spec["responses"][status].get("content", {})
    media = content.get(content_type)
    if media is None or "schema" not in media:
        return None
    closed = where == "response"
    schema = {"allOf": [_to_json_schema(copy.deepcopy(media["schema"]), closed=closed)]}
    schema["components"] = _json_components(closed=closed)
    return Draft4Validator(schema, format_checker=FormatChecker())


@functools.cache
def _problem_validator() -> Draft4Validator:
    schema = {"allOf": [{"$ref": "#/components/schemas/Problem"}], "components": _json_components(closed=True)}
    return Draft4Validator(schema, format_checker=FormatChecker())


def _first_errors(validator: Draft4Validator, body: Any, *, limit: int = 10) -> list[ValidationError]:
    """Every place the body breaks the schema (the most telling error of each ``anyOf``), first ones first."""
    errors = sorted(validator.iter_errors(body), key=lambda error: list(map(str, error.absolute_path)))
    return [best_match([error]) for error in errors[:limit]]


def _mismatch(operation: Operation, what: str, errors: list[ValidationError]) -> SchemaMismatch:
    places = "; ".join(
        f"at {'/'.join(str(part) for part in error.absolute_path) or '(body)'}: {error.message}" for error in errors
    )
    return SchemaMismatch(f"{operation.name} {what}: {places}")


def _content_type(header: str | None) -> str:
    return (header or "").split(";")[0].strip().lower()


def check_exchange(*, method: str, path: str, request_body: bytes, request_type: str, response) -> None:
    """Raise SchemaMismatch when the answer, or the accepted request, does not fit the schema."""
    if not path.startswith("/api/") or path.startswith(DOC_PATHS):
        return
    operation = find_operation(method=method, path=path)
    status = response.status_code
    if operation is None:
        if status in (404, 405):
            # No route at all (or a method the route does not take): not an endpoint to document.
            return
        raise SchemaMismatch(f"{method.upper()} {path} answered {status} but is not in /api/schema/")
    responses = operation.spec.get("responses", {})
    documented = str(status) if str(status) in responses else "default" if "default" in responses else None
    response_type = _content_type(response.get("Content-Type"))
    has_body = bool(getattr(response, "content", b"")) if not getattr(response, "streaming", False) else False
    if documented is None and status >= 500:
        # A 5xx is a bug the schema does not promise (API.md); its body is still problem details.
        is_json = has_body and response_type in JSON_TYPES
        errors = _first_errors(_problem_validator(), json.loads(response.content)) if is_json else []
        if response_type != "application/problem+json" or errors:
            raise _mismatch(operation, f"answer {status} (not problem details, {response_type})", errors)
        return
    if documented is None:
        raise SchemaMismatch(f"{operation.name} answered {status}, which the schema does not document")
    if response_type in JSON_TYPES and has_body:
        validator = _validator(method.lower(), operation.template, "response", documented, response_type)
        if validator is None:
            raise SchemaMismatch(
                f"{operation.name} answered {status} with {response_type}, which the schema does not document"
            )
        errors = _first_errors(validator, json.loads(response.content))
        if errors:
            raise _mismatch(operation, f"answer {status}", errors)
    if 200 <= status < 300 and request_body and _content_type(request_type) == "application/json":
        validator = _validator(method.lower(), operation.template, "request", "", "application/json")
        if validator is None:
            if "requestBody" in operation.spec:
                raise SchemaMismatch(f"{operation.name} accepted a JSON body its schema does not document")
            return
        errors = _first_errors(validator, json.loads(request_body))
        if errors:
            raise _mismatch(operation, f"request (accepted with {status})", errors)
