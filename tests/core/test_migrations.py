"""The migrations build exactly the schema the models describe, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import make_test_app
from tests.dbutil import fresh_database


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
            # The factories write today's models: lend the old users table the columns added since, for the setup.
            db.session.execute(text("ALTER TABLE users ADD COLUMN data_saver BOOLEAN DEFAULT false NOT NULL"))
            db.session.commit()
            only_mentor, teaching_mentor, meeting_mentor, trainer, trainee_mentor = (
                create_user(Role.TRAINER), create_user(Role.TRAINER), create_user(Role.TRAINER),
                create_user(Role.TRAINER), create_user(Role.TRAINEE))
            create_company(mentors=[only_mentor, teaching_mentor, meeting_mentor, trainee_mentor])
            create_course(trainers=[teaching_mentor, trainer])
            create_meeting(create_course(), trainer=meeting_mentor)
            ids = {"only": only_mentor.id, "teaching": teaching_mentor.id, "meeting": meeting_mentor.id,
                   "trainer": trainer.id, "trainee": trainee_mentor.id}
            db.session.execute(text("ALTER TABLE users DROP COLUMN data_saver"))
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
