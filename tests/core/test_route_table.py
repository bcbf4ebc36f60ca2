"""The route × role table: every URL rule of the app, with who may use it, checked request by request.

Each rule is requested by an anonymous visitor and by a fresh account of each role that has no relation to the
objects in the URL (teaches no course, is enrolled nowhere, mentors no firm: the MENTOR column is a mentor account
linked to no firm yet): the table says which roles get through for such an object; the owners' own cases (a
trainer's own course, a trainee's own placement, a mentor's intern) are tested in each domain's tests. A refused
request answers 403 (the login page for anonymous visitors, or 404 where an object is hidden from them) and, for
POST, changes nothing. A route without an entry fails the test: write down who may use it when you add it.

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
WHO = (ANONYMOUS, Role.TRAINEE, Role.TRAINER, Role.MENTOR, Role.COORDINATOR, Role.ADMIN)
#: o: gets through (the page, a redirect, or the form's own refusal: 400/422)
#: l: sent to log in      f: forbidden (403)      n: not found (404)      -: not requested (would log out the others)
#: t: needs an API token (401: the API never takes the session cookie; tests/api/test_api_route_table.py has the
#:    same rules requested with each role's token)
#: For objects the person has no relation to, in the demo world. Admins pass every role check.
# fmt: off
TABLE: dict[str, str] = {
    "GET /": "oooooo",
    "GET /admin/api-tokens": "lffffo",
    "POST /admin/api-tokens": "lffffo",
    "GET /admin/jobs/failed": "lffffo",
    "POST /admin/jobs/<int:message_id>/retry": "lffffo",
    "GET /admin/settings": "lffffo",
    "POST /admin/settings": "lffffo",
    "GET /admin/users/": "lffffo",
    "GET /admin/users/<int:user_id>": "lffffo",
    "POST /admin/users/<int:user_id>": "lffffo",
    "GET /admin/users/<int:user_id>/erase": "lffffo",
    "POST /admin/users/<int:user_id>/erase": "lffffo",
    "POST /admin/users/<int:user_id>/resend-invitation": "lffffo",
    "GET /admin/users/invite": "lffffo",
    "POST /admin/users/invite": "lffffo",
    "GET /api-docs": "oooooo",
    "POST /api/lessons/<int:lesson_id>/uploads": "lfffoo",
    "GET /api/materials/<int:material_id>/status": "lfffoo",
    "POST /api/uploads/<token>/abort": "lfffff",
    "POST /api/uploads/<token>/complete": "lfffff",
    "PUT /api/uploads/<token>/parts/<int:number>": "lfffff",
    "POST /api/uploads/<token>/parts/<int:number>/target": "lfffff",
    "DELETE /api/v1/<path:rest>": "nnnnnn",
    "GET /api/v1/<path:rest>": "nnnnnn",
    "PATCH /api/v1/<path:rest>": "nnnnnn",
    "POST /api/v1/<path:rest>": "nnnnnn",
    "PUT /api/v1/<path:rest>": "nnnnnn",
    "GET /api/v1/courses": "tttttt",
    "GET /api/v1/courses/<int:course_id>": "tttttt",
    "GET /api/v1/lessons/<int:lesson_id>": "tttttt",
    "POST /api/v1/lessons/<int:lesson_id>/done": "tttttt",
    "POST /api/v1/lessons/<int:lesson_id>/opened": "tttttt",
    "POST /api/v1/lessons/<int:lesson_id>/read": "tttttt",
    "POST /api/v1/logbook/<int:entry_id>/review": "tttttt",
    "POST /api/v1/materials/<int:material_id>/beacon": "tttttt",
    "GET /api/v1/me": "tttttt",
    "GET /api/v1/me/certificates": "tttttt",
    "GET /api/v1/me/enrolments": "tttttt",
    "GET /api/v1/me/meetings": "tttttt",
    "GET /api/v1/meetings/<int:meeting_id>": "tttttt",
    "POST /api/v1/meetings/<int:meeting_id>/checkin": "tttttt",
    "GET /api/v1/openapi.json": "oooooo",
    "GET /api/v1/placements": "tttttt",
    "GET /api/v1/placements/<int:placement_id>": "tttttt",
    "GET /api/v1/placements/<int:placement_id>/logbook": "tttttt",
    "POST /api/v1/placements/<int:placement_id>/logbook": "tttttt",
    "GET /api/v1/reporting/breakdown": "tttttt",
    "GET /api/v1/reporting/indicators": "tttttt",
    "GET /api/v1/reporting/people": "tttttt",
    "GET /audit/": "lfffoo",
    "GET /bulletin/": "oooooo",
    "GET /bulletin/<int:post_id>": "oooooo",
    "POST /bulletin/<int:post_id>/delete": "lfffoo",
    "GET /bulletin/<int:post_id>/edit": "lfffoo",
    "POST /bulletin/<int:post_id>/images": "lfffoo",
    "GET /bulletin/<int:post_id>/images/<int:picture_id>": "nnnnnn",
    "POST /bulletin/<int:post_id>/images/<int:picture_id>/delete": "lfffnn",
    "POST /bulletin/<int:post_id>/edit": "lfffoo",
    "POST /bulletin/<int:post_id>/publish": "lfffoo",
    "POST /bulletin/<int:post_id>/reject": "lfffoo",
    "GET /bulletin/feed.atom": "oooooo",
    "GET /bulletin/issues/<int:issue_id>": "oooooo",
    "GET /bulletin/issues/<int:issue_id>.pdf": "oooooo",
    "GET /bulletin/issues/new": "lfffoo",
    "POST /bulletin/issues/new": "lfffoo",
    "GET /bulletin/new": "lfoooo",
    "POST /bulletin/new": "lfoooo",
    "GET /calendar/<token>.ics": "nnnnnn",
    "GET /checkin/<int:meeting_id>/<token>": "looooo",
    "POST /checkin/<int:meeting_id>/<token>": "looooo",
    "GET /companies/": "oooooo",
    "GET /companies/<int:company_id>": "oooooo",
    "GET /cooperation/": "lfffoo",
    "GET /cooperation/<int:request_id>": "lfffoo",
    "GET /cooperation/<int:request_id>/files/<int:attachment_id>": "lfffnn",
    "GET /cooperation/<int:request_id>/offer": "lfffoo",
    "POST /cooperation/<int:request_id>/offer": "lfffoo",
    "POST /cooperation/<int:request_id>/offers/<int:request_offer_id>/accept": "lfffoo",
    "POST /cooperation/<int:request_id>/offers/<int:request_offer_id>/messages": "lfffoo",
    "POST /cooperation/<int:request_id>/offers/<int:request_offer_id>/withdraw": "lfffoo",
    "GET /cooperation/<int:request_id>/rate": "lfffoo",
    "POST /cooperation/<int:request_id>/rate": "lfffoo",
    "POST /cooperation/<int:request_id>/status": "lfffoo",
    "POST /cooperation/<int:request_id>/post": "lfffoo",
    "GET /cooperation/figures": "lfffoo",
    "GET /cooperation/figures.<any(csv, xlsx):fmt>": "lfffoo",
    "GET /cooperation/new": "lfffoo",
    "POST /cooperation/new": "lfffoo",
    "GET /courses/<int:course_id>/offline.json": "lfffoo",
    "GET /directory/": "oooooo",
    "GET /directory/<int:company_id>": "oooooo",
    "GET /directory/catalogue": "oooooo",
    "POST /directory/catalogue": "looooo",
    "GET /directory/catalogue.pdf": "nnnnnn",
    "GET /directory/<int:company_id>/edit": "lfffoo",
    "POST /directory/<int:company_id>/edit": "lfffoo",
    "POST /directory/<int:company_id>/managers": "lfffoo",
    "POST /directory/<int:company_id>/managers/<int:link_id>/confirm": "lfffnn",  # link: no manager of firm
    "POST /directory/<int:company_id>/managers/<int:link_id>/remove": "lfffnn",
    "POST /directory/<int:company_id>/mentors": "lfffoo",
    "GET /directory/employers": "lfffoo",
    "GET /directory/employers.json": "oooooo",
    "POST /directory/employers/confirm": "lfffoo",
    "POST /directory/employers/dismiss": "lfffoo",
    "POST /directory/employers/other": "lfffoo",
    "GET /directory/new": "lfffoo",
    "POST /directory/new": "lfffoo",
    "GET /directory/<int:company_id>/contacts": "lfffoo",
    "POST /directory/<int:company_id>/contacts": "lfffoo",
    "GET /directory/<int:company_id>/entry": "lfffff",
    "POST /directory/<int:company_id>/entry": "lfffff",
    "GET /directory/<int:company_id>/history": "lfffoo",
    "GET /directory/<int:company_id>/images/<int:image_id>": "nnnnnn",
    "GET /directory/<int:company_id>/images/<int:image_id>/thumb": "nnnnnn",
    "GET /directory/join": "oooooo",
    "POST /directory/join": "oooooo",
    "GET /directory/moderation": "lfffoo",
    "GET /directory/revisions/<int:revision_id>": "lfffoo",
    "POST /directory/revisions/<int:revision_id>/<any(approve, reject):decision>": "lfffoo",
    "GET /courses/": "oooooo",
    "GET /courses/<int:course_id>": "oooooo",
    "POST /courses/<int:course_id>/enrol": "looooo",
    "GET /courses/<int:course_id>/lessons/<int:lesson_id>": "lfffoo",
    "GET /courses/<int:course_id>/meetings/new": "lfffoo",
    "POST /courses/<int:course_id>/meetings/new": "lfffoo",
    "GET /downloads/<int:file_id>": "lnnnnn",
    "GET /downloads/<int:file_id>/file": "lnnnnn",
    "GET /downloads/<int:file_id>/status": "lnnnnn",
    "POST /enrolments/<int:enrolment_id>/withdraw": "lfffoo",
    "GET /events/": "oooooo",
    "GET /events/<int:event_id>": "oooooo",
    "GET /events/<int:event_id>.ics": "oooooo",
    "POST /events/<int:event_id>/cancel": "lfffoo",
    "GET /events/<int:event_id>/edit": "lfffoo",
    "POST /events/<int:event_id>/edit": "lfffoo",
    "POST /events/<int:event_id>/photos": "lfffoo",
    "GET /events/<int:event_id>/photos/<int:photo_id>": "nnnnnn",
    "POST /events/<int:event_id>/post": "lfffoo",
    "POST /events/<int:event_id>/register": "looooo",
    "GET /events/<int:event_id>/registrations": "lfffoo",
    "POST /events/<int:event_id>/unregister": "looooo",
    "GET /events/new": "lfffoo",
    "POST /events/new": "lfffoo",
    "GET /firm/": "looooo",
    "GET /firm/<int:company_id>/": "lfffoo",
    "GET /firm/<int:company_id>/export.<any(csv, xlsx):fmt>": "lfffoo",
    "GET /firm/<int:company_id>/people/<int:user_id>": "lfffff",
    "GET /forgot-password": "oooooo",
    "POST /forgot-password": "oooooo",
    "GET /healthz": "oooooo",
    "GET /healthz/live": "oooooo",
    "GET /internships/": "lofffo",
    "POST /internships/": "lofffo",
    "GET /invitation/<token>": "oooooo",
    "POST /invitation/<token>": "oooooo",
    "POST /language": "oooooo",
    "GET /learning/": "lofffo",
    "GET /learning/attempts/<int:attempt_id>": "lfffff",
    "POST /learning/attempts/<int:attempt_id>": "lfffff",
    "GET /learning/attempts/<int:attempt_id>/result": "lfffoo",
    "GET /learning/certificates": "lfffoo",
    "GET /learning/certificates/<code>.pdf": "lnnnnn",
    "POST /learning/certificates/<int:certificate_id>/revoke": "lfffoo",
    "POST /learning/lessons/<int:lesson_id>/done": "lfffoo",
    "POST /learning/lessons/<int:lesson_id>/read": "lfffoo",
    "POST /learning/materials/<int:material_id>/beacon": "lfffff",
    "GET /learning/quizzes/<int:quiz_id>": "lfffoo",
    "POST /learning/quizzes/<int:quiz_id>/start": "lfffoo",
    "GET /logbook/<int:entry_id>": "lfffoo",
    "POST /logbook/<int:entry_id>": "lfffoo",
    "POST /logbook/<int:entry_id>/<any(confirm, return):decision>": "lfffoo",
    "GET /login": "oooooo",
    "POST /login": "oooooo",
    "POST /logout": "l-----",
    "GET /manage/enrolments/": "lfofoo",
    "POST /manage/enrolments/<int:enrolment_id>/<any(approve, reject):decision>": "lfffoo",
    "GET /manage/enrolments/<int:enrolment_id>/history": "lfffoo",
    "GET /manage/enrolments/course/<int:course_id>": "lfffoo",
    "POST /manage/enrolments/course/<int:course_id>/enrol": "lfffoo",
    "GET /manage/enrolments/import": "lfffoo",
    "POST /manage/enrolments/import": "lfffoo",
    "POST /manage/enrolments/import/confirm": "lfffoo",
    "GET /manage/enrolments/import/template.<any(csv, xlsx):kind>": "lfffoo",
    "GET /manage/participants": "lfffoo",
    "POST /manage/participants": "lfffoo",
    "POST /manage/participants/<int:user_id>/login": "lfffoo",
    "GET /manifest.webmanifest": "oooooo",
    "GET /materials/<int:material_id>/file": "lfffoo",
    "GET /materials/<int:material_id>/captions/<language>.vtt": "lnnnnn",
    "GET /materials/<int:material_id>/hls/<path:name>": "lnnnnn",
    "GET /materials/<int:material_id>/media/<name>": "lnnnnn",
    "GET /meetings/": "lfofoo",
    "GET /meetings/<int:meeting_id>": "lfffoo",
    "POST /meetings/<int:meeting_id>/cancel": "lfffoo",
    "GET /meetings/<int:meeting_id>/checkin": "looooo",
    "POST /meetings/<int:meeting_id>/checkin": "looooo",
    "POST /meetings/<int:meeting_id>/checkin/replay": "looooo",
    "POST /checkin/<int:meeting_id>/<token>/replay": "looooo",
    "GET /meetings/<int:meeting_id>/edit": "lfffoo",
    "POST /meetings/<int:meeting_id>/edit": "lfffoo",
    "GET /meetings/<int:meeting_id>/evidence.zip": "lfffoo",
    "GET /meetings/<int:meeting_id>/qr": "lfffoo",
    "GET /meetings/<int:meeting_id>/qr.json": "lfffoo",
    "GET /meetings/<int:meeting_id>/roster": "lfffoo",
    "POST /meetings/<int:meeting_id>/roster": "lfffoo",
    "GET /meetings/<int:meeting_id>/scan": "lfffoo",
    "POST /meetings/<int:meeting_id>/scan": "lfffoo",
    "GET /meetings/<int:meeting_id>/sheet.pdf": "lfffoo",
    "POST /meetings/<int:meeting_id>/signed-sheets": "lfffoo",
    "GET /meetings/<int:meeting_id>/signed-sheets/<int:sheet_id>": "lfffnn",
    "GET /mentor/interns": "lfffff",
    "POST /me/data-saver": "looooo",
    "GET /metrics": "nnnnnn",
    "POST /my/calendar/regenerate": "looooo",
    "GET /my/ticket.svg": "looooo",
    "GET /my/training": "lofffo",
    "GET /notifications/": "looooo",
    "GET /notifications/<int:notification_id>": "lfffff",
    "POST /notifications/read-all": "looooo",
    "GET /notifications/settings": "looooo",
    "POST /notifications/settings": "looooo",
    "GET /notifications/unsubscribe/<token>": "nnnnnn",
    "POST /notifications/unsubscribe/<token>": "nnnnnn",
    "GET /offers/<int:offer_id>/edit": "lfffoo",
    "POST /offers/<int:offer_id>/edit": "lfffoo",
    "GET /offers/new": "lfffoo",
    "POST /offers/new": "lfffoo",
    "GET /offline": "oooooo",
    "GET /offline/saved": "looooo",
    "GET /offline/token": "oooooo",
    "GET /placements/": "lfffoo",
    "GET /placements/<int:placement_id>": "lfffoo",
    "POST /placements/<int:placement_id>/certificate": "lfffoo",
    "POST /placements/<int:placement_id>/documents": "lfffoo",
    "GET /placements/<int:placement_id>/documents/<int:document_id>": "lfffnn",
    "GET /placements/<int:placement_id>/evaluation": "lfffff",
    "POST /placements/<int:placement_id>/evaluation": "lfffff",
    "POST /placements/<int:placement_id>/logbook": "lfffoo",
    "POST /placements/<int:placement_id>/status": "lfffoo",
    "GET /placements/matching": "lfffoo",
    "POST /placements/matching": "lfffoo",
    "GET /placements/new": "lfffoo",
    "POST /placements/new": "lfffoo",
    "GET /privacy": "oooooo",
    "GET /profile": "looooo",
    "POST /profile": "looooo",
    "GET /profile/my-data.zip": "looooo",
    "POST /profile/password": "looooo",
    "GET /profile/api-tokens": "looooo",
    "POST /profile/api-tokens": "looooo",
    "POST /profile/api-tokens/<int:token_id>/revoke": "lnnnnn",
    "POST /profile/sessions/<int:session_id>/end": "lnnnnn",
    "POST /profile/sessions/end-all": "l-----",
    "GET /register": "llllll",
    "POST /register": "llllll",
    "GET /reports/": "lfofoo",
    "GET /reports/at-risk": "lfofoo",
    "GET /reports/export/at-risk.<any(csv, xlsx):fmt>": "lfofoo",
    "GET /reports/export/attendance-<int:course_id>.<any(csv, xlsx):fmt>": "lfffoo",
    "GET /reports/export/figures-<any(specialisation, country, company, region):dimension>.<any(csv, xlsx):fmt>":
        "lfofoo",
    "GET /reports/export/indicators.<any(csv, xlsx):fmt>": "lfffoo",
    "GET /reports/export/people.<any(csv, xlsx):fmt>": "lfofoo",
    "GET /reports/export/placements.<any(csv, xlsx):fmt>": "lfffoo",
    "GET /reports/indicators": "lfffoo",
    "GET /reports/indicators/<int:indicator_id>": "lfffoo",
    "POST /reports/indicators/<int:indicator_id>": "lfffoo",
    "GET /reports/indicators/new": "lfffoo",
    "POST /reports/indicators/new": "lfffoo",
    "GET /reports/people": "lfofoo",
    "GET /reports/people/<int:user_id>": "lfffoo",
    "GET /reports/summary.pdf": "lfffoo",
    "GET /reset-password/<token>": "oooooo",
    "POST /reset-password/<token>": "oooooo",
    "GET /sw.js": "oooooo",
    "GET /teach/": "lfofoo",
    "GET /teach/courses/<int:course_id>": "lfffoo",
    "POST /teach/courses/<int:course_id>": "lfffoo",
    "GET /teach/courses/<int:course_id>/learning": "lfffoo",
    "POST /teach/courses/<int:course_id>/learning": "lfffoo",
    "POST /teach/courses/<int:course_id>/modules": "lfffoo",
    "GET /teach/courses/<int:course_id>/quizzes/new": "lfffoo",
    "POST /teach/courses/<int:course_id>/quizzes/new": "lfffoo",
    "POST /teach/courses/<int:course_id>/status": "lfffoo",
    "POST /teach/courses/<int:course_id>/trainers": "lfffoo",
    "GET /teach/courses/new": "lfofoo",
    "POST /teach/courses/new": "lfofoo",
    "GET /teach/lessons/<int:lesson_id>": "lfffoo",
    "POST /teach/lessons/<int:lesson_id>": "lfffoo",
    "POST /teach/lessons/<int:lesson_id>/duration-from-videos": "lfffoo",
    "POST /teach/lessons/<int:lesson_id>/links": "lfffoo",
    "POST /teach/lessons/<int:lesson_id>/move": "lfffoo",
    "GET /teach/materials/<int:material_id>/captions": "lfffnn",
    "POST /teach/materials/<int:material_id>/captions": "lfffnn",
    "POST /teach/materials/<int:material_id>/captions/<language>/remove": "lfffnn",
    "POST /teach/materials/<int:material_id>/<any(delete, restore):action>": "lfffoo",
    "GET /teach/materials/<int:material_id>/title": "lfffoo",
    "POST /teach/materials/<int:material_id>/title": "lfffoo",
    "GET /teach/modules/<int:module_id>": "lfffoo",
    "POST /teach/modules/<int:module_id>": "lfffoo",
    "POST /teach/modules/<int:module_id>/lessons": "lfffoo",
    "POST /teach/modules/<int:module_id>/move": "lfffoo",
    "GET /teach/questions/<int:question_id>": "lfffoo",
    "POST /teach/questions/<int:question_id>": "lfffoo",
    "POST /teach/questions/<int:question_id>/<any(retire, restore):action>": "lfffoo",
    "GET /teach/quizzes/<int:quiz_id>": "lfffoo",
    "POST /teach/quizzes/<int:quiz_id>": "lfffoo",
    "GET /teach/quizzes/<int:quiz_id>/questions/new": "lfffoo",
    "POST /teach/quizzes/<int:quiz_id>/questions/new": "lfffoo",
    "GET /verify/": "oooooo",
    "GET /verify/<code>": "nnnnnn",
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
    if response.status_code == 401:
        return "t"
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
                expected = TABLE.get(key, "?" * len(WHO))[column]  # a missing entry is named by the test above
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
