#!/usr/bin/env python3
"""Holds the answers the API test suite received (recorded by
tests/support/server_process.cpp, a JSON line each) against docs/openapi.json:
each must answer a documented path and method, with a documented status, and a
JSON body that validates against that status's schema — so the server and the
document cannot drift apart unnoticed.

usage: check_answers.py OPENAPI_JSON ANSWERS_DIR
"""
import json
import pathlib
import re
import sys

import jsonschema

METHODS = ("get", "put", "post", "delete", "patch", "head")


def resolved(schema, document, seen=()):
    """The schema with every $ref inlined and OpenAPI 3.0's `nullable` as JSON Schema's null type."""
    if isinstance(schema, list):
        return [resolved(item, document, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            return {}
        target = document
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        return resolved(target, document, seen + (ref,))
    out = {key: resolved(value, document, seen) for key, value in schema.items() if key != "nullable"}
    if schema.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = out["enum"] + [None]
    return out


def routes(document):
    found = []
    for path, operations in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in operations.items():
            if method in METHODS:
                found.append((method.upper(), pattern, path, operation))
    # Literal segments before parameters, as the server matches them.
    found.sort(key=lambda route: route[2].count("{"))
    return found


def schema_of(operation, status, document):
    responses = operation.get("responses", {})
    answer = responses.get(str(status)) or responses.get("default")
    if answer is None and status >= 400:
        answer = document["components"]["responses"]["Error"]
    if answer is None:
        return None, f"status {status} is not documented"
    if "$ref" in answer:
        answer = resolved(answer, document)
    content = answer.get("content", {}).get("application/json")
    return (resolved(content["schema"], document) if content and "schema" in content else {}), None


def check(document, answers):
    table = routes(document)
    failures = {}
    checked = 0
    for answer in answers:
        method = "GET" if answer["method"] == "HEAD" else answer["method"]
        path = answer["target"].split("?", 1)[0]
        route = next((r for r in table if r[0] == method and r[1].match(path)), None)
        if route is None:
            if answer["status"] in (404, 405):
                continue  # a path or method the API does not have, answered as such
            failures.setdefault((method, path, answer["status"], "not in the document"), 0)
            continue
        schema, problem = schema_of(route[3], answer["status"], document)
        key = (method, route[2], answer["status"])
        if problem:
            failures[key + (problem,)] = failures.get(key + (problem,), 0) + 1
            continue
        if (not answer["content_type"].startswith("application/json") or answer["method"] == "HEAD"
                or answer["status"] == 204):
            continue
        checked += 1
        try:
            body = json.loads(answer["body"])
        except ValueError:
            failures[key + ("the body is not JSON",)] = failures.get(key + ("the body is not JSON",), 0) + 1
            continue
        error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(body))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(body)"
            message = f"{where}: {error.message[:160]}"
            failures[key + (message,)] = failures.get(key + (message,), 0) + 1
    return checked, failures


def main():
    document = json.loads(pathlib.Path(sys.argv[1]).read_text())
    answers = []
    for file in sorted(pathlib.Path(sys.argv[2]).glob("*.jsonl")):
        answers += [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    checked, failures = check(document, answers)
    for (method, path, status, message), count in sorted(failures.items(), key=lambda item: item[0][:3]):
        print(f"{method} {path} {status}: {message} ({count}x)")
    print(f"{len(answers)} answers recorded, {checked} JSON bodies validated, {len(failures)} kinds of mismatch")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
