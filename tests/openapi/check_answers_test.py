#!/usr/bin/env python3
"""The answer check catches what it is for: on a small document, answers that
match pass; a missing required field, a wrong type, an undocumented status and
an answer at a path the document lacks each fail, named."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_answers import check  # noqa: E402

DOCUMENT = {
    "paths": {
        "/api/v1/things/{id}": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/things/new": {"get": {"responses": {"200": {"description": "literal"}}}},
    },
    "components": {
        "schemas": {
            "Thing": {"type": "object", "required": ["id", "kind", "note"], "properties": {
                "id": {"type": "string"}, "kind": {"type": "string", "enum": ["a", "b"]},
                "note": {"type": "string", "nullable": True}}},
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object"}}},
        },
        "responses": {"Error": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
    },
}


def answer(target, status, body, method="GET"):
    return {"method": method, "target": target, "status": status, "content_type": "application/json", "body": body}


good = [answer("/api/v1/things/1?x=y", 200, '{"id":"1","kind":"a","note":null}'),
        answer("/api/v1/things/1", 404, '{"error":{"code":"NOT_FOUND"}}'),
        answer("/api/v1/things/new", 200, '"anything"'),
        answer("/api/v1/nowhere", 404, '{"error":{}}')]
checked, failures = check(DOCUMENT, good)
assert checked == 3 and not failures, failures

bad = [answer("/api/v1/things/1", 200, '{"id":"1","kind":"a"}'),
       answer("/api/v1/things/2", 200, '{"id":"2","kind":"c","note":"x"}'),
       answer("/api/v1/things/3", 201, '{}'),
       answer("/api/v1/elsewhere", 200, '{}')]
_, failures = check(DOCUMENT, bad)
messages = sorted(key[3] for key in failures)
assert any("'note' is a required property" in m for m in messages), messages
assert any("kind: 'c' is not one of" in m for m in messages), messages
assert "status 201 is not documented" in messages, messages
assert "not in the document" in messages, messages
assert len(failures) == 4, failures
print("ok")
