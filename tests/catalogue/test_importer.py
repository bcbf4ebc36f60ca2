import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.catalogue import importer
from app.catalogue.models import Course, Lesson, Material, MaterialKind, Module, Specialisation
from app.storage import get_storage

FIXTURES = Path(__file__).parent / "fixtures" / "courses"


@pytest.fixture
def courses_dir(tmp_path):
    target = tmp_path / "courses"
    shutil.copytree(FIXTURES, target)
    return target


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Specialisation, Course, Module, Lesson, Material)}


def snapshot(db):
    rows = []
    for model in (Specialisation, Course, Module, Lesson, Material):
        for obj in db.session.scalars(select(model).order_by(model.id)):
            rows.append({c.name: getattr(obj, c.key) for c in model.__table__.columns})
    return rows


def test_import_creates_the_course_with_translations_and_materials(db, courses_dir):
    report = importer.import_courses(courses_dir)
    db.session.commit()
    assert counts(db) == {"Specialisation": 2, "Course": 1, "Module": 2, "Lesson": 3, "Material": 2}
    course = db.session.scalar(select(Course).where(Course.key == "cnc-basics"))
    assert course.title == {"pl": "Podstawy CNC", "lt": "CNC pagrindai", "en": "CNC basics"}
    lesson = db.session.scalar(select(Lesson).where(Lesson.key == "gcode"))
    assert "ąčęėįšųūž" in lesson.body["lt"]
    program = db.session.scalar(select(Material).where(Material.kind == MaterialKind.CNC_PROGRAM))
    assert program.original_filename == "face-milling.nc" and program.storage_key.startswith("materials/")
    assert get_storage().sha256(program.storage_key) == program.sha256
    assert "course cnc-basics" in report.created


def test_running_twice_changes_nothing(db, courses_dir):
    importer.import_courses(courses_dir)
    db.session.commit()
    before = snapshot(db)
    objects_before = sorted(o.key for o in get_storage().iter_objects())
    report = importer.import_courses(courses_dir)
    db.session.commit()
    db.session.expire_all()
    assert not report.changed and report.new_objects == []
    assert snapshot(db) == before
    assert sorted(o.key for o in get_storage().iter_objects()) == objects_before


def test_renaming_a_lesson_updates_it_instead_of_duplicating(db, courses_dir):
    importer.import_courses(courses_dir)
    db.session.commit()
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "safety"))
    yaml_file = courses_dir / "cnc" / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace('en: "Safety"', 'en: "Safety at the machine"'))
    report = importer.import_courses(courses_dir)
    db.session.commit()
    assert counts(db)["Lesson"] == 3
    assert db.session.get(Lesson, lesson_id).title["en"] == "Safety at the machine"
    assert report.updated == ["lesson cnc-basics/safety"]


def test_a_changed_file_is_stored_anew_and_the_old_object_reported(db, courses_dir):
    importer.import_courses(courses_dir)
    db.session.commit()
    old_key = db.session.scalar(select(Material.storage_key).where(Material.key == "face-milling"))
    program = courses_dir / "cnc" / "files" / "face-milling.nc"
    program.write_text(program.read_text().replace("S1200", "S1500"))
    report = importer.import_courses(courses_dir)
    db.session.commit()
    new_key = db.session.scalar(select(Material.storage_key).where(Material.key == "face-milling"))
    assert new_key != old_key and report.obsolete_objects == [old_key]
    assert get_storage().exists(new_key) and not get_storage().exists(old_key)  # deleted once committed


def test_a_changed_file_whose_import_is_not_committed_keeps_the_old_object(db, courses_dir):
    importer.import_courses(courses_dir)
    db.session.commit()
    old_key = db.session.scalar(select(Material.storage_key).where(Material.key == "face-milling"))
    program = courses_dir / "cnc" / "files" / "face-milling.nc"
    program.write_text(program.read_text().replace("S1200", "S1500"))
    report = importer.import_courses(courses_dir)
    db.session.rollback()
    assert sorted(o.key for o in get_storage().iter_objects()) == [old_key]
    assert report.new_objects and report.new_objects != [old_key]


def test_a_failed_cli_import_leaves_no_object_behind(app, db, courses_dir):
    yaml_file = courses_dir / "cnc" / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("type: true_false", "type: essay"))  # after the files
    result = app.test_cli_runner().invoke(args=["courses", "import", str(courses_dir)])
    assert result.exit_code != 0 and "unknown type 'essay'" in result.output
    assert list(get_storage().iter_objects()) == []
    assert counts(db)["Course"] == 0


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("specialisation: cnc", "specialisation: plumbing"), "unknown specialisation"),
    (lambda t: t.replace("file: files/face-milling.nc", "file: ../../etc/passwd"), "not found in the course folder"),
    (lambda t: t.replace("kind: cnc_program", "kind: hologram"), "unknown kind"),
    (lambda t: t.replace("- key: safety", "- key: axes"), "used twice"),
])
def test_malformed_files_are_refused_with_the_reason(db, courses_dir, edit, message):
    yaml_file = courses_dir / "cnc" / "course.yaml"
    yaml_file.write_text(edit(yaml_file.read_text()))
    with pytest.raises(importer.CourseFileError, match=message):
        importer.import_courses(courses_dir)


def test_a_program_that_is_not_gcode_is_refused(db, courses_dir):
    (courses_dir / "cnc" / "files" / "face-milling.nc").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(importer.CourseFileError, match="not a valid cnc_program"):
        importer.import_courses(courses_dir)


def test_cli_import_twice(app, db, courses_dir):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["courses", "import", str(courses_dir)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["courses", "import", str(courses_dir)])
    assert "nothing changed" in second.output
