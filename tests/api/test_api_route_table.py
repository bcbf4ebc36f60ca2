"""The API's rules requested with a token holding every scope, by a fresh account of each role that has no
relation to the objects in the URL (the columns of tests/core/test_route_table.py, where the same rules without a
token all answer 401). o: answered (2xx, or the rule's own refusal: 409/422), f: 403, n: 404. A new /api/v1 rule
without an entry fails: write down who may use it."""

from __future__ import annotations

from app.core.permissions import Role
from tests.api.conftest import bearer, issue, person
from tests.core.test_route_table import request_path

WHO = (Role.TRAINEE, Role.TRAINER, Role.MENTOR, Role.COORDINATOR, Role.ADMIN)
# fmt: off
TABLE = {
    "GET /api/v1/courses": "ooooo",
    "GET /api/v1/courses/<int:course_id>": "ooooo",
    "GET /api/v1/lessons/<int:lesson_id>": "fffoo",
    "POST /api/v1/lessons/<int:lesson_id>/done": "fffoo",
    "POST /api/v1/lessons/<int:lesson_id>/opened": "fffoo",
    "POST /api/v1/lessons/<int:lesson_id>/read": "fffoo",
    "POST /api/v1/logbook/<int:entry_id>/review": "fffoo",
    "POST /api/v1/materials/<int:material_id>/beacon": "fffff",  # the material is no video
    "GET /api/v1/me": "ooooo",
    "GET /api/v1/me/certificates": "ooooo",
    "GET /api/v1/me/enrolments": "ooooo",
    "GET /api/v1/me/meetings": "ooooo",
    "GET /api/v1/meetings/<int:meeting_id>": "fffoo",
    "POST /api/v1/meetings/<int:meeting_id>/checkin": "ooooo",
    "GET /api/v1/placements": "ooooo",
    "GET /api/v1/placements/<int:placement_id>": "fffoo",
    "GET /api/v1/placements/<int:placement_id>/logbook": "fffoo",
    "POST /api/v1/placements/<int:placement_id>/logbook": "fffoo",
    "GET /api/v1/reporting/breakdown": "ooooo",
    "GET /api/v1/reporting/indicators": "fffoo",
    "GET /api/v1/reporting/people": "fofoo",
}
# fmt: on


def outcome(response) -> str:
    if response.status_code in (403, 404):
        return {403: "f", 404: "n"}[response.status_code]
    return "o" if response.status_code < 500 else f"error {response.status_code}"


def api_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/api/v1/") and rule.endpoint.startswith("api_") \
                and rule.endpoint != "api_fallback.no_operation":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield f"{method} {rule.rule}", rule, method


def test_every_api_rule_has_an_entry(app):
    keys = {key for key, _rule, _method in api_rules(app)}
    assert sorted(keys - set(TABLE)) == [] and sorted(set(TABLE) - keys) == []


def small_world() -> dict[str, list[int]]:
    """One of each object the API's URLs name, related to nobody who asks."""
    from datetime import date, timedelta

    from app.extensions import db
    from app.placements.models import LogbookEntry, PlacementStatus
    from tests.factories.catalogue import create_course, create_material, first_lesson
    from tests.factories.enrolment import enrol
    from tests.factories.placements import create_company, create_mentor, create_placement
    from tests.factories.training import create_meeting

    trainee, course = person(), create_course()
    enrol(trainee, course)
    lesson = first_lesson(course)
    company = create_company()
    placement = create_placement(trainee, company, mentor=create_mentor(company, password=None),
                                 status=PlacementStatus.IN_PROGRESS)
    entry = LogbookEntry(placement_id=placement.id, day=date.today() - timedelta(days=2), hours=5, tasks="Cutting")
    db.session.add(entry)
    db.session.commit()
    return {"course_id": [course.id], "lesson_id": [lesson.id], "material_id": [create_material(lesson).id],
            "meeting_id": [create_meeting(course).id], "placement_id": [placement.id], "entry_id": [entry.id]}


def test_each_roles_token_gets_what_the_table_says(app, client):
    world = small_world()
    problems = []
    for role in WHO:
        problems += _requests(app, client, world, role)
    assert problems == [], "\n".join(problems)


def _requests(app, client, world, role) -> list[str]:
    secret = issue(person(role))
    problems = []
    for key, rule, method in api_rules(app):
        path = request_path(rule, world)
        body = {"code": "1", "day": "2026-01-01", "hours": 4, "tasks": "tasks", "confirm": True}
        response = client.open(path, method=method, headers=bearer(secret),
                               json={k: body[k] for k in _fields(key)} if method == "POST" else None)
        result, expected = outcome(response), TABLE[key][WHO.index(role)]
        if result != expected:
            problems.append(f"{key} as {role.value}: expected {expected}, got {result} ({response.status_code})")
    return problems


def _fields(key: str) -> tuple[str, ...]:
    if key.endswith("/checkin"):
        return ("code",)
    if key.endswith("/logbook"):
        return ("day", "hours", "tasks")
    if key.endswith("/review"):
        return ("confirm",)
    return ()
