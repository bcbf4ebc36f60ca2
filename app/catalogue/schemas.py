"""The JSON the browser's uploader sends."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from app.storage.base import MAX_PARTS


class PartSchema(Schema):
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_PARTS))
    etag = fields.String(required=True, validate=validate.Length(min=1, max=199))


class CompleteUploadSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    parts = fields.List(fields.Nested(PartSchema), required=True, validate=validate.Length(min=1, max=MAX_PARTS))
