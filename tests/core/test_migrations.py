"""The migrations build exactly the schema the models describe, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.core.db import modelled
from app.extensions import db
from tests.conftest import make_test_app
from tests.dbutil import fresh_database


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": modelled})
        return compare_metadata(context, db.metadata)


def test_upgrading_an_empty_database_gives_exactly_the_models(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        with app.app_context():
            upgrade()
        assert schema_differences(app) == []
        with app.app_context():
            db.engine.dispose()


def test_downgrade_to_base_and_upgrade_again(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
        assert schema_differences(app) == []
        with app.app_context():
            db.engine.dispose()


def lend_new_columns() -> list[tuple[str, str]]:
    """Add to an older schema the model columns it lacks (plain, with a default), so today's factories can write
    the rows an old migration's data step works on; the caller drops them again."""
    from sqlalchemy import text

    inspector, lent = inspect(db.engine), []
    for table in db.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=db.engine.dialect)
            default = {"BOOLEAN": "false", "INTEGER": "0", "JSON": "'[]'", "VARCHAR": "''", "TEXT": "''"} \
                .get(kind.split("(")[0], "NULL")
            db.session.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind} DEFAULT {default}"))
            lent.append((table.name, column.name))
    db.session.commit()
    return lent


def test_trainers_who_only_mentor_become_mentors(backend, tmp_path):
    """The mentor-role migration's data step: a trainer linked as a firm's mentor who leads no course and no
    meeting becomes MENTOR; one who teaches a course or leads a meeting, or mentors nothing, stays TRAINER."""
    from sqlalchemy import select, text

    from app.accounts.models import User
    from app.core.permissions import Role
    from tests.factories import create_user
    from tests.factories.catalogue import create_course
    from tests.factories.placements import create_company
    from tests.factories.training import create_meeting

    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        with app.app_context():
            upgrade(revision="d95ed3b4c6a4")  # the revision before the mentor role
            # The factories write today's models: lend the old tables the columns added since, for the setup.
            lent = lend_new_columns()
            only_mentor, teaching_mentor, meeting_mentor, trainer, trainee_mentor = (
                create_user(Role.TRAINER), create_user(Role.TRAINER), create_user(Role.TRAINER),
                create_user(Role.TRAINER), create_user(Role.TRAINEE))
            create_company(mentors=[only_mentor, teaching_mentor, meeting_mentor, trainee_mentor])
            create_course(trainers=[teaching_mentor, trainer])
            create_meeting(create_course(), trainer=meeting_mentor)
            ids = {"only": only_mentor.id, "teaching": teaching_mentor.id, "meeting": meeting_mentor.id,
                   "trainer": trainer.id, "trainee": trainee_mentor.id}
            for table, column in lent:
                db.session.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
            db.session.commit()
            db.session.remove()
            upgrade()
            roles = {name: db.session.scalar(select(User.role).where(User.id == ident)) for name, ident in ids.items()}
            assert roles == {"only": Role.MENTOR, "teaching": Role.TRAINER, "meeting": Role.TRAINER,
                             "trainer": Role.TRAINER, "trainee": Role.TRAINEE}
            db.session.remove()
            downgrade(revision="d95ed3b4c6a4")
            assert db.session.scalar(select(User.role).where(User.id == ids["only"])) == Role.TRAINER
            db.session.remove()
            db.engine.dispose()
