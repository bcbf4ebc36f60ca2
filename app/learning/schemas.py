"""The JSON the video player sends (see app/learning/watching.py)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

#: Seconds and counters beyond this are nonsense (a forged beacon), never a real video.
LIMIT = 1e7


def _seconds(**kwargs) -> fields.Float:
    return fields.Float(allow_nan=False, validate=validate.Range(min=-LIMIT, max=LIMIT), **kwargs)


class BeaconSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    start = _seconds(load_default=0.0)
    end = _seconds(load_default=0.0)
    position = _seconds(load_default=0.0)
    duration = _seconds(load_default=0.0)
    sequence = fields.Integer(load_default=0, validate=validate.Range(min=-LIMIT, max=LIMIT))


class DataSaverSchema(Schema):
    """The player's "data saver" switch."""

    on = fields.Boolean(required=True)
