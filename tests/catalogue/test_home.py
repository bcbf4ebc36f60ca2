"""The catalogue's home panel: a trainer's uploads still being checked (theirs, or in the courses they teach)."""

from __future__ import annotations

from app.catalogue.home import uploads_processing
from app.catalogue.models import MaterialStatus
from app.core.permissions import Role
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.querycount import assert_queries_do_not_grow


def test_uploads_processing_are_those_of_the_trainer_or_their_courses(client, login, db):
    trainer, colleague = create_user(Role.TRAINER), create_user(Role.TRAINER)
    taught, shared, foreign = create_course(trainers=[trainer]), create_course(), create_course(trainers=[colleague])
    mine = create_material(first_lesson(taught), filename="rysunek.pdf", status=MaterialStatus.PROCESSING)
    by_me = create_material(first_lesson(shared), filename="karta.pdf", status=MaterialStatus.PROCESSING,
                            uploaded_by_id=trainer.id)
    create_material(first_lesson(taught), filename="gotowe.pdf")  # ready
    create_material(first_lesson(foreign), filename="obce.pdf", status=MaterialStatus.PROCESSING)
    data = uploads_processing(trainer)
    assert [m.id for m in data["materials"]] == [mine.id, by_me.id] and data["total"] == 2
    login(trainer)
    page = client.get("/").get_data(as_text=True)
    assert "2 uploads are still being checked" in page and "rysunek.pdf" in page
    assert f'href="/teach/lessons/{mine.lesson_id}#materials"' in page
    login(colleague)
    page = client.get("/").get_data(as_text=True)
    assert "1 upload is still being checked" in page and "obce.pdf" in page and "rysunek.pdf" not in page
    login(create_user(Role.TRAINER))
    assert "No uploads waiting" in client.get("/").get_data(as_text=True)


def test_the_panel_runs_a_fixed_number_of_queries(client, login, db):
    trainer = create_user(Role.TRAINER)

    def grow(n):
        for _ in range(n):
            course = create_course(trainers=[trainer])
            create_material(first_lesson(course), status=MaterialStatus.PROCESSING)

    grow(1)
    login(trainer)
    assert_queries_do_not_grow(client, "/", grow, 8)
