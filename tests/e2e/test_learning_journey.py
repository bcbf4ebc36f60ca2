import io
import re
from pathlib import Path

from playwright.sync_api import expect

from app.core.permissions import Role

FIXTURES = Path(__file__).parent.parent / "fixtures"


def build_course(live_server, trainee_email):
    from app.accounts.services import find_user_by_email
    from app.catalogue.models import Lesson, MaterialKind
    from app.extensions import db
    from app.learning.models import Question, QuestionType, Quiz
    from tests.factories.catalogue import create_course, create_material
    from tests.factories.enrolment import enrol

    with live_server.app.app_context():
        course = create_course(modules=1, lessons_per_module=2,
                               title={"en": "TIG welding basics", "pl": "Podstawy spawania TIG"})
        course.completion_rule = {"lessons": "all", "quizzes": "all", "min_attendance_percent": 0}
        reading, watching = course.modules[0].lessons
        reading.body = {"en": "## Shielding gas\n\nTIG uses argon. The end."}
        create_material(watching, data=(FIXTURES / "welding-demo.webm").read_bytes(), filename="root-pass.webm",
                        kind=MaterialKind.VIDEO, content_type="video/webm", duration_seconds=30.0)
        quiz = Quiz(course_id=course.id, key="q", lesson_id=watching.id, title={"en": "Gas quiz"}, pass_mark=60)
        db.session.add(quiz)
        db.session.flush()
        db.session.add(Question(course_id=course.id, quiz=quiz, key="tf", type=QuestionType.TRUE_FALSE,
                                text={"en": "TIG may use an argon and CO2 mix."}, data={"correct": False}))
        enrol(find_user_by_email(trainee_email), course)
        db.session.commit()
        return course.id, reading.id, watching.id, db.session.get(Lesson, watching.id).id


def test_trainee_reads_watches_passes_completes_and_verifies(page, live_server, make_user, browser_login):
    trainee = make_user(Role.TRAINEE, language="en", full_name="Łukasz Żółkiewski")
    course_id, reading_id, watching_id, _ = build_course(live_server, trainee["email"])
    browser_login(trainee["email"])

    page.goto(live_server(f"/courses/{course_id}/lessons/{reading_id}"))
    expect(page.locator(".progress-state")).to_contain_text("Lesson done.", timeout=20_000)

    page.goto(live_server(f"/courses/{course_id}/lessons/{watching_id}"))
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.playbackRate = 2; v.play(); }")
    expect(page.locator(".progress-state")).to_contain_text("Lesson done.", timeout=40_000)

    page.get_by_role("link", name="Gas quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("False").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Passed. Well done!")).to_be_visible()

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My progress").click()
    expect(page.get_by_text(re.compile("Completed on"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Łukasz Żółkiewski" in text and "TIG welding basics" in text
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text).group(0)

    page.get_by_role("link", name="Verification page").click()
    expect(page.get_by_text("Valid certificate.")).to_be_visible()
    expect(page.get_by_text(code)).to_be_visible()
