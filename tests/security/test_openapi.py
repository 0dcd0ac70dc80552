"""/api/openapi.json is a valid OpenAPI 3.1 document that matches the URL routes exactly."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from dawg.openapi import openapi_document

pytestmark = pytest.mark.django_db


def api_routes() -> set[tuple[str, str]]:
    """(path template, method) for every view under /api/ that declares its methods."""
    routes: set[tuple[str, str]] = set()

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                path = "/" + prefix + str(entry.pattern)
                methods = getattr(entry.callback, "api_methods", None)
                if path.startswith("/api/") and methods:
                    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
                    routes.update((template, method.lower()) for method in methods)

    walk(get_resolver().url_patterns)
    return routes


def documented_operations() -> set[tuple[str, str]]:
    return {(path, method) for path, item in openapi_document()["paths"].items() for method in item}


def test_routes_were_found():
    assert ("/api/conversations/{conversation_id}/messages/", "post") in api_routes()


def test_document_and_routes_agree():
    assert documented_operations() == api_routes()


def test_document_is_valid_openapi_3_1(client):
    from jsonschema import Draft202012Validator

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    import schemathesis

    schema = schemathesis.openapi.from_dict(document)
    assert len(list(schema.get_all_operations())) == len(documented_operations())
