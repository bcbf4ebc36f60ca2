"""Schemathesis against the live app (a real HTTP server in a thread, its own committed database), once per
scope token: no 500, every answer conforms to the OpenAPI description (status, content type, body), and no
token reaches what its scopes or its owner's rights do not allow."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from app.api.models import TokenScope
from app.core.permissions import Role
from app.placements.models import PlacementStatus
from tests.api.conftest import issue, person
from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Examples per operation and token: enough to cross every branch of these thin views, kept small for the suite.
POSITIVE, NEGATIVE, OUT_OF_SCOPE = 5, 3, 2


@pytest.fixture(scope="module")
def live_api(backend, tmp_path_factory):
    """A live server with a small world: a trainee in a course with a running meeting and an internship, their
    mentor, a coordinator, and an outsider (a trainee with every scope but no relation to any of it)."""
    from tests.factories.catalogue import create_course, first_lesson
    from tests.factories.enrolment import enrol
    from tests.factories.placements import create_company, create_mentor, create_placement
    from tests.factories.training import create_meeting

    tmp = tmp_path_factory.mktemp(f"api-live-{backend}")
    with fresh_database(backend, tmp) as url:
        app = make_test_app(url, tmp / "media", MAIL_BACKEND="memory", API_RATE_LIMIT="100000 per minute")
        upgrade_to_head(app)
        with app.app_context():
            trainee, coordinator, outsider = person(), person(Role.COORDINATOR), person()
            course = create_course()
            enrol(trainee, course)
            meeting = create_meeting(course)
            company = create_company()
            mentor = create_mentor(company, password=None)
            placement = create_placement(trainee, company, mentor=mentor, status=PlacementStatus.IN_PROGRESS,
                                         starts_on=date.today() - timedelta(days=3))
            from app.extensions import db
            from app.placements.models import LogbookEntry

            entry = LogbookEntry(placement_id=placement.id, day=date.today() - timedelta(days=1), hours=6,
                                 tasks="Welding practice")
            db.session.add(entry)
            db.session.commit()
            ids = {"course_id": course.id, "lesson_id": first_lesson(course).id, "meeting_id": meeting.id,
                   "placement_id": placement.id, "entry_id": entry.id, "material_id": 1}
            tokens = {
                "trainee-read": (issue(trainee, TokenScope.READ), {TokenScope.READ}),
                "trainee-learning": (issue(trainee, TokenScope.LEARNING), {TokenScope.LEARNING}),
                "trainee-attendance": (issue(trainee, TokenScope.ATTENDANCE), {TokenScope.ATTENDANCE}),
                "mentor-learning": (issue(mentor, TokenScope.LEARNING, TokenScope.READ),
                                    {TokenScope.LEARNING, TokenScope.READ}),
                "coordinator-reporting": (issue(coordinator, TokenScope.REPORTING), {TokenScope.REPORTING}),
                "outsider-all": (issue(outsider), set(TokenScope)),
            }
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", ids, tokens
        finally:
            server.shutdown()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_openapi_description_is_valid_3_1(live_api):
    from openapi_spec_validator import validate

    base, _ids, _tokens = live_api
    spec = requests.get(f"{base}/api/v1/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    operations = [op for path in spec["paths"].values() for method, op in path.items() if method != "parameters"]
    assert len(operations) >= 20 and all("x-mcc-scope" in op for op in operations)


@pytest.mark.parametrize("token_name", ["trainee-read", "trainee-learning", "trainee-attendance", "mentor-learning",
                                        "coordinator-reporting", "outsider-all"])
def test_schemathesis_finds_nothing(live_api, token_name):
    base, ids, tokens = live_api
    secret, scopes = tokens[token_name]
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {secret}"}
    session = requests.Session()
    outsider = token_name.startswith("outsider")

    for result in schema.get_all_operations():
        _fuzz(result.ok(), base, session, headers, ids, scopes, outsider)


def _fuzz(operation, base, session, headers, ids, scopes, outsider) -> None:
    scope = operation.definition.raw["x-mcc-scope"]
    path_ids = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
    strategies = [operation.as_strategy(headers=headers),
                  operation.as_strategy(headers=headers, path_parameters=path_ids),
                  operation.as_strategy(GenerationMode.NEGATIVE, headers=headers)]

    # Operations outside the token's scopes answer 403 before anything else: a few examples show it.
    examples = POSITIVE + NEGATIVE if scope == "any" or TokenScope(scope) in scopes else OUT_OF_SCOPE

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=st.one_of(*strategies))
    def run(case):
        response = case.call_and_validate(base_url=base, session=session, checks=CHECKS)
        if response.status_code < 300:
            # Never outside the token's scopes ...
            assert scope == "any" or TokenScope(scope) in scopes, (case.method, case.path, scope)
            # ... nor the owner's rights: the outsider reaches none of the trainee's objects.
            if outsider and path_ids and case.path_parameters == path_ids:
                # A published course's outline is public; its lessons are not.
                if operation.path == "/api/v1/courses/{course_id}":
                    assert response.json()["modules"] == []
                else:
                    pytest.fail(f"outsider reached {case.method} {case.formatted_path}")

    run()
