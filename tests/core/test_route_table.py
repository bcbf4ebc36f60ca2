"""The route × role table: every URL rule of the app, with who may use it, checked request by request.

Each rule is requested by an anonymous visitor and by a fresh account of each role that has no relation to the
objects in the URL (teaches no course, is enrolled nowhere, mentors no firm): the table says which roles get
through for such an object; the owners' own cases (a trainer's own course, a trainee's own placement) are tested in
each domain's tests. A refused request answers 403 (the login page for anonymous visitors, or 404 where an object
is hidden from them) and, for POST, changes nothing. A route without an entry fails the test: write down who may
use it when you add it.

    MCC_PRINT_ROUTE_TABLE=1 pytest tests/core/test_route_table.py -s   # print what the app does now
"""

from __future__ import annotations

import os

import pytest

from app.core.permissions import Role
from tests.core.test_hostile_input import CommittedWrites, demo_world
from tests.factories import create_user

ANONYMOUS = "anonymous"
#: The columns of TABLE, in order.
WHO = (ANONYMOUS, Role.TRAINEE, Role.TRAINER, Role.COORDINATOR, Role.ADMIN)
#: o: gets through (the page, a redirect, or the form's own refusal: 400/422)
#: l: sent to log in      f: forbidden (403)      n: not found (404)      -: not requested (would log out the others)
#: For objects the person has no relation to, in the demo world. Admins pass every role check.
# fmt: off
TABLE: dict[str, str] = {
    "GET /": "ooooo",
    "GET /admin/jobs/failed": "lfffo",
    "POST /admin/jobs/<int:message_id>/retry": "lfffo",
    "GET /admin/settings": "lfffo",
    "POST /admin/settings": "lfffo",
    "GET /admin/users/": "lfffo",
    "GET /admin/users/<int:user_id>": "lfffo",
    "POST /admin/users/<int:user_id>": "lfffo",
    "GET /admin/users/<int:user_id>/erase": "lfffo",
    "POST /admin/users/<int:user_id>/erase": "lfffo",
    "POST /admin/users/<int:user_id>/resend-invitation": "lfffo",
    "GET /admin/users/invite": "lfffo",
    "POST /admin/users/invite": "lfffo",
    "POST /api/lessons/<int:lesson_id>/uploads": "lffoo",
    "GET /api/materials/<int:material_id>/status": "lffoo",
    "POST /api/uploads/<token>/abort": "lffff",
    "POST /api/uploads/<token>/complete": "lffff",
    "PUT /api/uploads/<token>/parts/<int:number>": "lffff",
    "POST /api/uploads/<token>/parts/<int:number>/target": "lffff",
    "GET /audit/": "lffoo",
    "GET /calendar/<token>.ics": "nnnnn",
    "GET /checkin/<int:meeting_id>/<token>": "loooo",
    "POST /checkin/<int:meeting_id>/<token>": "loooo",
    "GET /companies/": "ooooo",
    "GET /companies/<int:company_id>": "ooooo",
    "GET /companies/<int:company_id>/edit": "lffoo",
    "POST /companies/<int:company_id>/edit": "lffoo",
    "POST /companies/<int:company_id>/mentors": "lffoo",
    "GET /companies/new": "lffoo",
    "POST /companies/new": "lffoo",
    "GET /courses/": "ooooo",
    "GET /courses/<int:course_id>": "ooooo",
    "POST /courses/<int:course_id>/enrol": "loooo",
    "GET /courses/<int:course_id>/lessons/<int:lesson_id>": "lffoo",
    "GET /courses/<int:course_id>/meetings/new": "lffoo",
    "POST /courses/<int:course_id>/meetings/new": "lffoo",
    "GET /downloads/<int:file_id>": "lnnnn",
    "GET /downloads/<int:file_id>/file": "lnnnn",
    "GET /downloads/<int:file_id>/status": "lnnnn",
    "POST /enrolments/<int:enrolment_id>/withdraw": "lffoo",
    "GET /forgot-password": "ooooo",
    "POST /forgot-password": "ooooo",
    "GET /healthz": "ooooo",
    "GET /healthz/live": "ooooo",
    "GET /internships/": "loffo",
    "POST /internships/": "loffo",
    "GET /invitation/<token>": "ooooo",
    "POST /invitation/<token>": "ooooo",
    "POST /language": "ooooo",
    "GET /learning/": "loffo",
    "GET /learning/attempts/<int:attempt_id>": "lffff",
    "POST /learning/attempts/<int:attempt_id>": "lffff",
    "GET /learning/attempts/<int:attempt_id>/result": "lffoo",
    "GET /learning/certificates": "lffoo",
    "GET /learning/certificates/<code>.pdf": "lnnnn",
    "POST /learning/certificates/<int:certificate_id>/revoke": "lffoo",
    "POST /learning/lessons/<int:lesson_id>/done": "lffoo",
    "POST /learning/lessons/<int:lesson_id>/read": "lffoo",
    "POST /learning/materials/<int:material_id>/beacon": "lffff",
    "GET /learning/quizzes/<int:quiz_id>": "lffoo",
    "POST /learning/quizzes/<int:quiz_id>/start": "lffoo",
    "GET /logbook/<int:entry_id>": "lffoo",
    "POST /logbook/<int:entry_id>": "lffoo",
    "POST /logbook/<int:entry_id>/<any(confirm, return):decision>": "lffoo",
    "GET /login": "ooooo",
    "POST /login": "ooooo",
    "POST /logout": "l----",
    "GET /manage/enrolments/": "lfooo",
    "POST /manage/enrolments/<int:enrolment_id>/<any(approve, reject):decision>": "lffoo",
    "GET /manage/enrolments/<int:enrolment_id>/history": "lffoo",
    "GET /manage/enrolments/course/<int:course_id>": "lffoo",
    "POST /manage/enrolments/course/<int:course_id>/enrol": "lffoo",
    "GET /manage/enrolments/import": "lffoo",
    "POST /manage/enrolments/import": "lffoo",
    "POST /manage/enrolments/import/confirm": "lffoo",
    "GET /manage/enrolments/import/template.<any(csv, xlsx):kind>": "lffoo",
    "GET /manage/participants": "lffoo",
    "POST /manage/participants": "lffoo",
    "POST /manage/participants/<int:user_id>/login": "lffoo",
    "GET /materials/<int:material_id>/file": "lffoo",
    "GET /meetings/": "lfooo",
    "GET /meetings/<int:meeting_id>": "lffoo",
    "POST /meetings/<int:meeting_id>/cancel": "lffoo",
    "GET /meetings/<int:meeting_id>/checkin": "loooo",
    "POST /meetings/<int:meeting_id>/checkin": "loooo",
    "GET /meetings/<int:meeting_id>/edit": "lffoo",
    "POST /meetings/<int:meeting_id>/edit": "lffoo",
    "GET /meetings/<int:meeting_id>/evidence.zip": "lffoo",
    "GET /meetings/<int:meeting_id>/qr": "lffoo",
    "GET /meetings/<int:meeting_id>/qr.json": "lffoo",
    "GET /meetings/<int:meeting_id>/roster": "lffoo",
    "POST /meetings/<int:meeting_id>/roster": "lffoo",
    "GET /meetings/<int:meeting_id>/scan": "lffoo",
    "POST /meetings/<int:meeting_id>/scan": "lffoo",
    "GET /meetings/<int:meeting_id>/sheet.pdf": "lffoo",
    "POST /meetings/<int:meeting_id>/signed-sheets": "lffoo",
    "GET /meetings/<int:meeting_id>/signed-sheets/<int:sheet_id>": "lffnn",
    "GET /mentor/interns": "lffff",
    "GET /metrics": "nnnnn",
    "POST /my/calendar/regenerate": "loooo",
    "GET /my/ticket.svg": "loooo",
    "GET /my/training": "loffo",
    "GET /notifications/": "loooo",
    "GET /notifications/<int:notification_id>": "lffff",
    "POST /notifications/read-all": "loooo",
    "GET /notifications/settings": "loooo",
    "POST /notifications/settings": "loooo",
    "GET /notifications/unsubscribe/<token>": "nnnnn",
    "POST /notifications/unsubscribe/<token>": "nnnnn",
    "GET /offers/<int:offer_id>/edit": "lffoo",
    "POST /offers/<int:offer_id>/edit": "lffoo",
    "GET /offers/new": "lffoo",
    "POST /offers/new": "lffoo",
    "GET /placements/": "lffoo",
    "GET /placements/<int:placement_id>": "lffoo",
    "POST /placements/<int:placement_id>/certificate": "lffoo",
    "POST /placements/<int:placement_id>/documents": "lffoo",
    "GET /placements/<int:placement_id>/documents/<int:document_id>": "lffnn",
    "GET /placements/<int:placement_id>/evaluation": "lffff",
    "POST /placements/<int:placement_id>/evaluation": "lffff",
    "POST /placements/<int:placement_id>/logbook": "lffoo",
    "POST /placements/<int:placement_id>/status": "lffoo",
    "GET /placements/matching": "lffoo",
    "POST /placements/matching": "lffoo",
    "GET /placements/new": "lffoo",
    "POST /placements/new": "lffoo",
    "GET /privacy": "ooooo",
    "GET /profile": "loooo",
    "POST /profile": "loooo",
    "GET /profile/my-data.zip": "loooo",
    "POST /profile/password": "loooo",
    "POST /profile/sessions/<int:session_id>/end": "lnnnn",
    "POST /profile/sessions/end-all": "l----",
    "GET /register": "lllll",
    "POST /register": "lllll",
    "GET /reports/": "lfooo",
    "GET /reports/at-risk": "lfooo",
    "GET /reports/export/at-risk.<any(csv, xlsx):fmt>": "lfooo",
    "GET /reports/export/attendance-<int:course_id>.<any(csv, xlsx):fmt>": "lffoo",
    "GET /reports/export/figures-<any(specialisation, country, company):dimension>.<any(csv, xlsx):fmt>": "lfooo",
    "GET /reports/export/indicators.<any(csv, xlsx):fmt>": "lffoo",
    "GET /reports/export/people.<any(csv, xlsx):fmt>": "lfooo",
    "GET /reports/export/placements.<any(csv, xlsx):fmt>": "lffoo",
    "GET /reports/indicators": "lffoo",
    "GET /reports/indicators/<int:indicator_id>": "lffoo",
    "POST /reports/indicators/<int:indicator_id>": "lffoo",
    "GET /reports/indicators/new": "lffoo",
    "POST /reports/indicators/new": "lffoo",
    "GET /reports/people": "lfooo",
    "GET /reports/people/<int:user_id>": "lffoo",
    "GET /reports/summary.pdf": "lffoo",
    "GET /reset-password/<token>": "ooooo",
    "POST /reset-password/<token>": "ooooo",
    "GET /teach/": "lfooo",
    "GET /teach/courses/<int:course_id>": "lffoo",
    "POST /teach/courses/<int:course_id>": "lffoo",
    "GET /teach/courses/<int:course_id>/learning": "lffoo",
    "POST /teach/courses/<int:course_id>/learning": "lffoo",
    "POST /teach/courses/<int:course_id>/modules": "lffoo",
    "GET /teach/courses/<int:course_id>/quizzes/new": "lffoo",
    "POST /teach/courses/<int:course_id>/quizzes/new": "lffoo",
    "POST /teach/courses/<int:course_id>/status": "lffoo",
    "POST /teach/courses/<int:course_id>/trainers": "lffoo",
    "GET /teach/courses/new": "lfooo",
    "POST /teach/courses/new": "lfooo",
    "GET /teach/lessons/<int:lesson_id>": "lffoo",
    "POST /teach/lessons/<int:lesson_id>": "lffoo",
    "POST /teach/lessons/<int:lesson_id>/links": "lffoo",
    "POST /teach/lessons/<int:lesson_id>/move": "lffoo",
    "POST /teach/materials/<int:material_id>/<any(delete, restore):action>": "lffoo",
    "GET /teach/modules/<int:module_id>": "lffoo",
    "POST /teach/modules/<int:module_id>": "lffoo",
    "POST /teach/modules/<int:module_id>/lessons": "lffoo",
    "POST /teach/modules/<int:module_id>/move": "lffoo",
    "GET /teach/questions/<int:question_id>": "lffoo",
    "POST /teach/questions/<int:question_id>": "lffoo",
    "POST /teach/questions/<int:question_id>/<any(retire, restore):action>": "lffoo",
    "GET /teach/quizzes/<int:quiz_id>": "lffoo",
    "POST /teach/quizzes/<int:quiz_id>": "lffoo",
    "GET /teach/quizzes/<int:quiz_id>/questions/new": "lffoo",
    "POST /teach/quizzes/<int:quiz_id>/questions/new": "lffoo",
    "GET /verify/": "ooooo",
    "GET /verify/<code>": "nnnnn",
}
# fmt: on


def request_path(rule, world) -> str:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "IdConverter":
            values[name] = (world.get(name) or [1])[0]
        elif kind == "AnyConverter":
            values[name] = converter.regex.removeprefix("(?:").removesuffix(")").split("|")[0]
        else:
            values[name] = "x" * 12
    return rule.build(values, append_unknown=False)[1]


def outcome(response) -> str:
    if response.status_code in (302, 303) and "/login" in (response.location or ""):
        return "l"
    if response.status_code in (403, 404):
        return {403: "f", 404: "n"}[response.status_code]
    return "o" if response.status_code < 500 else f"error {response.status_code}"


#: Logging out would end the sessions the other requests use; tests/accounts/test_sessions.py covers them.
LOGS_OUT = {"accounts.logout", "accounts.end_all_sessions"}


def rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods))):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield f"{method} {rule.rule}", rule, method


@pytest.fixture
def people(app, db):
    world = demo_world()  # objects exist, the fresh accounts below have no relation to any of them
    stranger = app.test_client()  # someone else's login, for the "end this login" rule
    owner = create_user(Role.TRAINEE)
    stranger.post("/login", data={"email": owner.email, "password": "correct horse battery",
                                  "csrf_token": stranger.csrf_token()})
    from sqlalchemy import select

    from app.accounts.models import UserSession

    world["session_id"] = [db.session.scalar(select(UserSession.id).where(UserSession.user_id == owner.id))]
    clients = {ANONYMOUS: app.test_client()}
    for role in WHO[1:]:
        user = create_user(role)
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                           "csrf_token": client.csrf_token()}).status_code == 303
        clients[role] = client
    for client in clients.values():
        client.csrf = client.csrf_token()
    return world, clients


def test_every_url_rule_has_an_entry(app):
    missing = [key for key, _rule, _method in rules(app) if key not in TABLE]
    stale = sorted(set(TABLE) - {key for key, _rule, _method in rules(app)})
    assert missing == [], "routes without an entry in TABLE (who may use them?):\n" + "\n".join(missing)
    assert stale == [], "entries for routes that no longer exist:\n" + "\n".join(stale)


def test_each_role_gets_what_the_table_says_and_refusals_change_nothing(app, db, people):
    from sqlalchemy import event

    from app.extensions import db as _db

    world, clients = people
    writes = CommittedWrites()
    event.listen(_db.engine, "before_cursor_execute", writes.statement)
    event.listen(_db.session, "after_commit", writes.commit)
    event.listen(_db.session, "after_soft_rollback", writes.rollback)
    found, problems = {}, []
    try:
        for key, rule, method in rules(app):
            path = request_path(rule, world)
            for column, who in enumerate(WHO):
                if rule.endpoint in LOGS_OUT and who != ANONYMOUS:
                    found.setdefault(key, {})[who] = "-"
                    continue
                client = clients[who]
                writes.take()
                isolated = _db.engine.begin_nested()  # each request starts from the same world
                try:
                    if method == "GET":
                        response = client.get(path)
                    else:
                        response = client.open(path, method=method, data={"csrf_token": client.csrf},
                                               headers={"X-CSRFToken": client.csrf})
                finally:
                    isolated.rollback()
                result = outcome(response)
                changed = writes.take()
                found.setdefault(key, {})[who] = result
                expected = TABLE.get(key, "?????")[column]
                if result != expected:
                    problems.append(f"{key} as {who}: expected {expected}, got {result}")
                elif result != "o" and method != "GET" and changed:
                    problems.append(f"{key} as {who}: refused ({result}) but committed {sorted(changed)}")
    finally:
        event.remove(_db.engine, "before_cursor_execute", writes.statement)
        event.remove(_db.session, "after_commit", writes.commit)
        event.remove(_db.session, "after_soft_rollback", writes.rollback)
    if os.environ.get("MCC_PRINT_ROUTE_TABLE"):
        for key, results in found.items():
            print(f'    "{key}": "{"".join(results[who] for who in WHO)}",')
    assert problems == [], "\n".join(problems)
