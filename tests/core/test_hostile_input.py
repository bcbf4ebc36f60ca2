"""Hostile input never reaches a 500, and a refused request changes nothing (property-based, with Hypothesis).

Every URL rule of the app is requested, as an anonymous visitor and as each role, with generated values:
path ids from the demo world and far outside it (0, 2**31, 2**63, 10**30), texts with NUL bytes, control
characters and 20,000 letters, dates like 0001-01-01 and 9999-12-31, numbers of every size, malformed JSON and
wrong JSON shapes — in the query string, in forms (sent with a valid CSRF token, so the view really reads them)
and as JSON bodies. Runs on SQLite and PostgreSQL.

"Changes nothing": the data statements (INSERT, UPDATE, DELETE) a request commits are recorded; a request
answered with 400 or more must commit none, except the audit entries and login records that are kept on purpose
(a failed login's audit entry).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import event, select

from app.accounts.demo import DEMO_USERS
from app.core.demo import seeders
from app.core.permissions import Role
from app.extensions import db as _db
from app.placements.demo import MENTOR_PASSWORD, MENTORS

HUGE_IDS = [0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30]
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "\x00" * 3, "=1+1", "' OR 1=1 --", "<script>alert(1)</script>",
                     "javascript:alert(1)", "../../etc/passwd", "%00", "\u202e", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ą" * 300,
                     "x" * 20_000, "-1", "1e309", "NaN", "-0", "9" * 40, "0001-01-01", "9999-12-31",
                     "9999-12-31T22:00", "0001-01-01T00:00", "2026-02-30", "2026-13-01", "", " ", "true", "[]", "{}"]),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
ARG_NAMES = ["page", "q", "company", "specialisation", "role", "status", "pair", "figure", "dimension", "country",
             "gender", "since", "until", "format", "fresh", "past", "bilingual", "download", "code", "next",
             "action", "actor_id", "object_type", "object_id", "language", "course", "period", "trainee"]
FORM_NAMES = ["email", "password", "confirm", "full_name", "country", "language", "timezone", "company_name",
              "gender", "role", "is_active", "remember", "consent", "q", "title_pl", "title_lt", "title_en",
              "summary_pl", "body_pl", "hours", "capacity", "starts_on", "ends_on", "starts_local", "ends_local",
              "venue_company", "venue_address", "venue_country", "online_url", "trainer_id", "reason", "code",
              "ticket", "status", "day", "hours", "tasks", "comment", "kind", "trainee_id", "company_id",
              "mentor_id", "specialisation_id", "planned_hours", "first", "second", "third", "motivation", "name",
              "registration_number", "vat_number", "website", "city", "address", "places", "working_language",
              "location", "value", "target", "baseline", "direction", "url", "link_title_pl", "duration_minutes",
              "module", "min_attendance", "lessons", "quizzes", "pass_mark", "attempts", "time_limit", "text_pl",
              "points", "answer", "choices", "self_registration", "entries-0-user_id", "entries-0-status",
              "entries-0-remark", "pw-current_password", "pw-password", "pw-confirm", "log-day", "log-hours",
              "log-tasks", "st-status", "st-reason", "doc-kind", "cancel-reason", "les-title_pl", "link-url",
              "q0", "q1", "rating_precision", "payload", "filename", "size", "content_type", "title",
              "title_language", "duration", "start", "end", "position", "sequence"]
JSON_BODIES = st.one_of(
    st.sampled_from(["[1]", '{"parts": [1]}', '{"parts": "x"}', '{"parts": [{"number": "1", "etag": 5}]}',
                     '{"parts": [{"number": 99999999999999999999, "etag": "x"}]}', "null", '"text"', "1e400",
                     '{"start": "NaN"}', '{"start": 1e308, "end": -1e308}', '{"sequence": 1.5}', "{", "\x00",
                     '{"filename": "\\u0000.mp4", "size": -1}', '{"size": 99999999999999999999999}',
                     "[" * 200 + "]" * 200]),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                 max_leaves=8).map(json.dumps),
)
#: Examples per URL rule, method and role (about 1,000 combinations): hostile path values, query arguments, bodies.
EXAMPLES = 3
#: Rows that are written on purpose even when a request is refused.
KEPT_ON_REFUSAL = {"audit_entries", "user_sessions"}
DML = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
PASSWORDS = {email: password for email, password, *_ in DEMO_USERS} | {
    email: MENTOR_PASSWORD for email, *_ in MENTORS}
#: The demo mentor is a MENTOR account linked to a firm with an intern: their placement, logbook and offer pages.
ROLE_ACCOUNTS = {Role.TRAINEE: "kursant@example.com", Role.TRAINER: "trener@example.com",
                 Role.MENTOR: "opiekun@example.com", Role.COORDINATOR: "koordynator@example.com",
                 Role.ADMIN: "admin@example.com"}


class CommittedWrites:
    """The tables a request's committed data statements touched (rolled-back statements are forgotten)."""

    def __init__(self):
        self.pending: list[str] = []
        self.committed: list[str] = []

    def statement(self, conn, cursor, statement, parameters, context, executemany):
        match = DML.match(statement)
        if match:
            self.pending.append(match.group(2).lower())

    def commit(self, session):
        if session.get_nested_transaction() is None:
            self.committed += self.pending
            self.pending = []

    def rollback(self, session, previous):
        if previous.parent is None:
            self.pending = []

    def take(self) -> set[str]:
        tables, self.committed, self.pending = set(self.committed), [], []
        return tables - KEPT_ON_REFUSAL


class FormFields(HTMLParser):
    """The names and values a page's forms would post (the real form, to be spoiled field by field)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "file", "checkbox", "radio"):
            self.values.setdefault(name, attributes.get("value") or "")
        elif tag == "input" and name and attributes.get("type") in ("checkbox", "radio") and "checked" in attributes:
            self.values.setdefault(name, attributes.get("value") or "y")
        elif tag == "textarea" and name:
            self.values.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in self.values or "selected" in attributes):
            self.values[self._select] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


#: The form fields each role finds on a page: fetched once per role and path (the requests are rolled back, so the
#: page is the same every time), not once per example.
FORMS: dict[tuple[int, str], dict[str, str]] = {}


def form_on_page(client, path: str) -> dict[str, str]:
    key = (id(client), path)
    if key not in FORMS:
        FORMS[key] = _form_on_page(client, path)
    return dict(FORMS[key])


def _form_on_page(client, path: str) -> dict[str, str]:
    response = client.get(path)
    if response.status_code != 200 or "text/html" not in response.content_type:
        return {}
    parser = FormFields()
    parser.feed(response.get_data(as_text=True))
    return parser.values


def path_values(world: dict[str, list[int]]):
    """A strategy per URL variable: real ids of the demo world, or ids no row can have, or hostile text."""

    def for_argument(name: str, converter: str):
        if converter == "IdConverter":
            known = world.get(name, []) or [1]
            return st.one_of(st.sampled_from(known), st.sampled_from(HUGE_IDS))
        if converter == "AnyConverter":
            return None  # the rule's own choices
        return HOSTILE_TEXT.filter(lambda text: "/" not in text and text not in ("", ".", ".."))

    return for_argument


def demo_world() -> dict[str, list[int]]:
    for seeder in seeders():
        seeder()
    _db.session.commit()
    tables = {"course_id": "courses", "lesson_id": "lessons", "module_id": "modules", "material_id": "materials",
              "meeting_id": "training_sessions", "user_id": "users", "enrolment_id": "enrolments",
              "placement_id": "placements", "company_id": "companies", "offer_id": "internship_offers",
              "entry_id": "logbook_entries", "quiz_id": "quizzes", "question_id": "questions",
              "attempt_id": "quiz_attempts", "certificate_id": "certificates", "indicator_id": "indicators",
              "sheet_id": "signed_sheets", "document_id": "placement_documents", "session_id": "user_sessions",
              "notification_id": "notifications", "message_id": "outbox_messages", "file_id": "generated_files",
              "revision_id": "member_entry_revisions", "link_id": "company_members", "image_id": "member_images",
              "request_id": "service_requests", "request_offer_id": "service_request_offers",
              "attachment_id": "service_request_files", "post_id": "bulletin_posts", "issue_id": "bulletin_issues",
              "event_id": "events", "photo_id": "event_photos", "token_id": "api_tokens"}
    tables["picture_id"] = "bulletin_post_images"
    world = {}
    for argument, table in tables.items():
        table_obj = _db.metadata.tables.get(table)
        if table_obj is not None:
            world[argument] = list(_db.session.scalars(select(table_obj.c.id).order_by(table_obj.c.id).limit(3)))
    # A ready material with a stored file first (a link has no file to refuse; the courses' videos wait for a worker
    # that the demo world does not run).
    materials = _db.metadata.tables["materials"]
    world["material_id"] = list(_db.session.scalars(select(materials.c.id).order_by(
        materials.c.storage_key.is_(None), materials.c.status != "ready", materials.c.id).limit(3))) \
        or world["material_id"]
    # URLs that name a parent and its child need a child of that parent (/courses/<c>/lessons/<l>).
    lessons = _db.metadata.tables["lessons"]
    if world.get("course_id"):
        world["lesson_id"] = list(_db.session.scalars(select(lessons.c.id).where(
            lessons.c.course_id == world["course_id"][0]).order_by(lessons.c.id).limit(3))) or world["lesson_id"]
    return world


def clients_by_role(app) -> dict[str, object]:
    clients = {"anonymous": app.test_client()}
    clients["anonymous"].csrf = clients["anonymous"].csrf_token()
    for role, email in ROLE_ACCOUNTS.items():
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD_OF(email),
                                               "csrf_token": client.csrf_token()})
        assert response.status_code == 303, (email, response.status_code)
        client.csrf = client.csrf_token()
        clients[role.value] = client
    return clients


def PASSWORD_OF(email: str) -> str:
    return PASSWORDS[email]


#: Probed as anonymous visitors only: with a valid token they would log the other clients out.
LOGS_OUT = {"accounts.logout", "accounts.end_all_sessions"}


def rules_to_probe(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_no_route_answers_500_to_hostile_input_and_refusals_change_nothing(app, db):
    world = demo_world()
    clients = clients_by_role(app)
    FORMS.clear()  # another backend's clients may have had the same ids
    writes = CommittedWrites()
    connection = _db.engine
    event.listen(connection, "before_cursor_execute", writes.statement)
    event.listen(_db.session, "after_commit", writes.commit)
    event.listen(_db.session, "after_soft_rollback", writes.rollback)
    strategy_for = path_values(world)
    problems: list[str] = []
    try:
        for rule, method in rules_to_probe(app):
            arguments = {}
            for name, converter in rule._converters.items():
                strategy = strategy_for(name, type(converter).__name__)
                arguments[name] = strategy if strategy is not None else st.sampled_from(
                    sorted(re.sub(r"^\(\?:|\)$", "", converter.regex).split("|")))
            probe(rule, method, arguments, clients, writes, problems)
    finally:
        event.remove(connection, "before_cursor_execute", writes.statement)
        event.remove(_db.session, "after_commit", writes.commit)
        event.remove(_db.session, "after_soft_rollback", writes.rollback)
    assert problems == [], "\n".join(problems[:40])


def probe(rule, method, arguments, clients, writes, problems):
    for who in (["anonymous"] if rule.endpoint in LOGS_OUT else sorted(clients)):
        probe_as(who, rule, method, arguments, clients, writes, problems)


def probe_as(who, rule, method, arguments, clients, writes, problems):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(values=st.fixed_dictionaries(arguments),
           args=st.dictionaries(st.sampled_from(ARG_NAMES), HOSTILE_TEXT, max_size=4),
           body=JSON_BODIES, as_json=st.booleans(), data=st.data())
    def one(values, args, body, as_json, data):
        client = clients[who]
        try:
            path = rule.build(values, append_unknown=False)[1]
        except Exception:  # a value the rule itself cannot build (e.g. a converter's own check)
            return
        writes.take()
        headers = {"X-CSRFToken": client.csrf}
        form: dict = {}
        if method == "GET":
            response = client.get(path, query_string=args)
        elif as_json or path.startswith("/api/") or "/beacon" in path:
            response = client.open(path, method=method, query_string=args, data=body, headers=headers,
                                   content_type="application/json")
        else:
            # The page's own form (when the URL shows one), with some of its fields spoiled.
            real = form_on_page(client, path) if "GET" in rule.methods else {}
            names = sorted(name for name in real if name != "csrf_token") or FORM_NAMES
            form = data.draw(st.dictionaries(st.sampled_from(names), HOSTILE_TEXT, min_size=1, max_size=3))
            response = client.open(path, method=method, query_string=args, headers=headers,
                                   data={**real, **form, "csrf_token": headers["X-CSRFToken"]})
        sent = form if method != "GET" and not (as_json or path.startswith("/api/")) else {}
        label = f"{who} {method} {path[:120]} args={args!r:.200} form={sent!r:.300}"
        if response.status_code >= 500:
            problems.append(f"{response.status_code}: {label}")
        changed = writes.take()
        if response.status_code >= 400 and changed:
            problems.append(f"{response.status_code} but committed {sorted(changed)}: {label}")

    one()


def test_every_role_is_probed():
    assert set(ROLE_ACCOUNTS) == set(Role)
