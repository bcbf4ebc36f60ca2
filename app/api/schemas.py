"""What the API sends and accepts (marshmallow; the OpenAPI description is generated from these).

Texts stored per language (course titles, lesson bodies) are sent in the requester's language, with the
content's own fallback, as on the pages (``core.translated.pick``)."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from marshmallow import fields, validate

from app.api.models import TokenScope
from app.core.forms import CONTROL_CHARACTERS, EARLIEST_DATE, LATEST_DATE
from app.core.translated import pick


class Computed(fields.String):
    """A text computed from the object (a dict already holds it under the field's name)."""

    def __init__(self, compute, **kwargs):
        super().__init__(dump_only=True, required=True, **kwargs)
        self.compute = compute

    def serialize(self, attr, obj, accessor=None, **kwargs):
        if isinstance(obj, dict):
            return obj.get(attr)
        return self.compute(obj)


def _texts(attribute: str, fallback: str | None = None) -> Computed:
    """A per-language text of the object, picked for the requester."""
    return Computed(lambda obj: pick(getattr(obj, attribute), _fallback(obj, fallback)))


def _fallback(obj, path: str | None) -> str | None:
    if path is None:
        return None
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ma.ValidationError("control characters are not allowed")


def _sane_day(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ma.ValidationError(f"the date must be between {EARLIEST_DATE} and {LATEST_DATE}")


class _In(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# -- me ------------------------------------------------------------------------------------------------------------
class TokenInfoSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    scopes = fields.List(fields.String(validate=validate.OneOf([s.value for s in TokenScope])), required=True)
    expires_at = fields.AwareDateTime(required=True)
    service = fields.Boolean(attribute="is_service", required=True)


class MeSchema(ma.Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True)
    language = fields.String(required=True)
    timezone = fields.String(required=True)
    token = fields.Nested(TokenInfoSchema, required=True)


# -- courses and lessons -------------------------------------------------------------------------------------------
class CourseArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    specialisation = fields.String(validate=[validate.Length(max=32), _no_control_characters],
                                   metadata={"description": "a specialisation's code (cnc, welding, ...)"})
    language = fields.String(validate=validate.OneOf(["pl", "lt", "en"]),
                             metadata={"description": "the course's source language"})


class CourseSchema(ma.Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    title = _texts("title", "source_language")
    summary = _texts("summary", "source_language")
    specialisation = Computed(lambda c: c.specialisation.code)
    language = fields.String(attribute="source_language", required=True)
    status = fields.String(required=True)
    hours = fields.Integer(required=True)
    enrolment_policy = fields.String(required=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)


class LessonSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    title = _texts("title", "module.course.source_language")
    duration_minutes = fields.Integer(required=True)


class ModuleSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = _texts("title", "course.source_language")
    lessons = fields.List(fields.Nested(LessonSummarySchema), required=True)


class CourseDetailSchema(CourseSchema):
    description = _texts("description", "source_language")
    #: Only for those who may study the course (its participants and managers); otherwise empty.
    modules = fields.List(fields.Nested(ModuleSchema), required=True)


class LessonSchema(LessonSummarySchema):
    course_id = fields.Integer(required=True)
    module_id = fields.Integer(required=True)
    body = _texts("body", "module.course.source_language")
    done = fields.Boolean(required=True)


# -- my learning ---------------------------------------------------------------------------------------------------
class ProgressSchema(ma.Schema):
    lessons_total = fields.Integer(required=True)
    lessons_done = fields.Integer(required=True)
    quizzes_total = fields.Integer(required=True)
    quizzes_passed = fields.Integer(required=True)
    attendance = fields.Float(allow_none=True, required=True)
    percent = fields.Integer(required=True)


class EnrolmentSchema(ma.Schema):
    id = fields.Integer(required=True)
    course_id = fields.Integer(required=True)
    course_title = fields.String(required=True)
    status = fields.String(required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)
    progress = fields.Nested(ProgressSchema, allow_none=True, required=True)


class EnrolmentArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    status = fields.String(validate=validate.OneOf(["requested", "waitlisted", "enrolled", "rejected", "withdrawn"]))


class LessonDoneSchema(ma.Schema):
    lesson_id = fields.Integer(required=True)
    done = fields.Boolean(required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)
    completed_via = fields.String(allow_none=True, required=True)


# -- meetings ------------------------------------------------------------------------------------------------------
class MeetingArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    upcoming = fields.Boolean(load_default=False, metadata={"description": "only meetings not ended yet"})


class MeetingSchema(ma.Schema):
    id = fields.Integer(required=True)
    course_id = fields.Integer(required=True)
    title = _texts("title", "language")
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)
    language = fields.String(required=True)
    venue_company = fields.String(allow_none=True, required=True)
    venue_address = fields.String(allow_none=True, required=True)
    online_url = fields.String(allow_none=True, required=True)
    attendance = fields.String(allow_none=True, required=True,
                               metadata={"description": "my attendance: present, late, excused, absent or null"})


class CheckInSchema(_In):
    code = fields.String(required=True, validate=[validate.Length(min=1, max=20), _no_control_characters])


class CheckInResultSchema(ma.Schema):
    meeting_id = fields.Integer(required=True)
    status = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


# -- certificates --------------------------------------------------------------------------------------------------
class CertificateSchema(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    kind = fields.String(required=True)
    course_id = fields.Integer(allow_none=True, required=True)
    placement_id = fields.Integer(allow_none=True, required=True)
    title = _texts("course_title", "language")
    hours = fields.Integer(required=True)
    completed_at = fields.AwareDateTime(required=True)
    valid = fields.Boolean(attribute="is_valid", required=True)


# -- placements and logbook ----------------------------------------------------------------------------------------
class PlacementSchema(ma.Schema):
    id = fields.Integer(required=True)
    trainee_id = fields.Integer(required=True)
    trainee_name = Computed(lambda p: p.trainee.full_name)
    company = Computed(lambda p: p.company.name)
    mentor_id = fields.Integer(allow_none=True, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    planned_hours = fields.Integer(required=True)
    status = fields.String(required=True)


class EntrySchema(ma.Schema):
    id = fields.Integer(required=True)
    placement_id = fields.Integer(required=True)
    day = fields.Date(required=True)
    hours = fields.Float(required=True)
    tasks = fields.String(required=True)
    status = fields.String(required=True)
    mentor_comment = fields.String(allow_none=True, required=True)
    reviewed_at = fields.AwareDateTime(allow_none=True, required=True)


class EntryInSchema(_In):
    day = fields.Date(required=True, validate=_sane_day)
    hours = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=24))
    tasks = fields.String(required=True, validate=[validate.Length(max=5000), _no_control_characters])


class ReviewInSchema(_In):
    confirm = fields.Boolean(required=True)
    comment = fields.String(allow_none=True, load_default=None,
                            validate=[validate.Length(max=2000), _no_control_characters])


# -- reporting -----------------------------------------------------------------------------------------------------
class ScopeArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    start = fields.Date(validate=_sane_day)
    end = fields.Date(validate=_sane_day)
    specialisation = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                                    metadata={"description": "a specialisation's id"})
    country = fields.String(validate=validate.OneOf(["PL", "LT", "OTHER"]))
    gender = fields.String(validate=validate.OneOf(["female", "male", "other"]))


class IndicatorSchema(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    measure = fields.String(required=True)
    achieved = fields.Float(allow_none=True, required=True)
    milestone = fields.Float(allow_none=True, required=True)
    target = fields.Float(allow_none=True, required=True)
    target_share = fields.Float(allow_none=True, required=True)


class FiguresSchema(ma.Schema):
    trainees_enrolled = fields.Integer(required=True)
    trainees_completed = fields.Integer(required=True)
    meetings_held = fields.Integer(required=True)
    attendance_rate = fields.Float(allow_none=True, required=True)
    placements_completed = fields.Integer(required=True)
    certificates_issued = fields.Integer(required=True)


class IndicatorsSchema(ma.Schema):
    figures = fields.Nested(FiguresSchema, required=True)
    indicators = fields.List(fields.Nested(IndicatorSchema), required=True)


class BreakdownArgs(ScopeArgs):
    dimension = fields.String(required=True, validate=validate.OneOf(["specialisation", "country", "company",
                                                                      "region"]))


class BreakdownRowSchema(ma.Schema):
    key = fields.String(allow_none=True, required=True)
    label = fields.String(required=True)
    enrolled = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    completion_rate = fields.Float(allow_none=True, required=True)
    attendance_rate = fields.Float(allow_none=True, required=True)
    placements = fields.Integer(required=True)


class PeopleArgs(ScopeArgs):
    figure = fields.String(load_default="enrolled",
                           validate=validate.OneOf(["enrolled", "completed", "placements", "cross_border"]))


class PersonSchema(ma.Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True, required=True)
    country = fields.String(required=True)
    company = fields.String(allow_none=True, required=True)
    courses = fields.Integer(required=True)
    completed = fields.Integer(required=True)
