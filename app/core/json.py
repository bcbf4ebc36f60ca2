"""JSON bodies of the browser's API calls, checked against a marshmallow schema before anything reads them."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, make_response, request
from marshmallow import Schema, ValidationError


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object as ``schema`` loads it; anything else (not JSON, a list, a wrong field) ends the
    request with 400 and the schema's messages."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(make_response(jsonify(error="expected a JSON object"), 400))
    try:
        return schema.load(payload)
    except ValidationError as error:
        abort(make_response(jsonify(error="invalid request body", fields=error.messages), 400))
