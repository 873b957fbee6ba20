"""The admin API's OpenAPI description is true: every route of the blueprint is in it and
nothing else is, and the request-body schemas it publishes are the very objects the API
validates bodies with."""

from __future__ import annotations

import json

import schemathesis
from admin_console import administrators, session_values
from jsonschema import Draft202012Validator

from admin.web import api_bp
from admin.web.openapi import document


def _routes(app) -> set[tuple[str, str]]:
    return {(rule.rule.replace("<", "{").replace(">", "}"), method.lower())
            for rule in app.url_map.iter_rules() if rule.endpoint.startswith(f"{api_bp.name}.")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def _operations(doc: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, ops in doc["paths"].items() for method in ops}


def test_every_route_of_the_admin_api_is_documented_and_nothing_else(app):
    assert _routes(app) == _operations(document(app))
    assert len(_routes(app)) >= 20


def test_the_documented_request_bodies_are_the_schemas_the_api_validates_with(app):
    doc = document(app)
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{api_bp.name}."):
            continue
        spec = app.view_functions[rule.endpoint].api_spec
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][path][method.lower()]
            if spec.body is None:
                assert "requestBody" not in operation, path
            else:
                published = operation["requestBody"]["content"]["application/json"]["schema"]
                assert published is spec.body, path
            assert operation["x-permission"] == (spec.permission and spec.permission.value)


def test_the_served_document_is_the_built_one_and_valid_openapi_3_1(app):
    client = app.test_client()
    assert client.get("/admin/api/openapi.json").status_code == 401
    with client.session_transaction() as session:
        session.update(session_values(administrators(app.extensions["yiwang"])[0]))
    served = client.get("/admin/api/openapi.json").get_json()
    assert served == json.loads(json.dumps(document(app)))
    assert served["openapi"] == "3.1.0"
    schema = schemathesis.openapi.from_dict(served)
    assert len([op.ok() for op in schema.get_all_operations()]) == len(_operations(served))
    for ops in served["paths"].values():
        for operation in ops.values():
            bodies = [operation.get("requestBody", {}).get("content", {}).get(
                "application/json", {}).get("schema")]
            answers = [c["schema"] for r in operation["responses"].values()
                       for c in r["content"].values()]
            for one in filter(None, bodies + answers):
                Draft202012Validator.check_schema(one)
