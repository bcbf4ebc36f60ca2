from sqlalchemy import func, select

from app.accounts.demo import DEMO_USERS
from app.accounts.models import User
from app.core.i18n import LANGUAGES
from app.core.permissions import Role
from app.placements.demo import MENTOR_PASSWORD, MENTORS


def test_seed_demo_is_idempotent_and_every_demo_account_logs_in(app, db, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    count = db.session.scalar(select(func.count()).select_from(User))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == count
    # The firms' mentors are seeded with the placements (they need firms); every role has a demo account.
    mentors = [(email, MENTOR_PASSWORD) for email, *_ in MENTORS]
    mentor_roles = set(db.session.scalars(select(User.role).where(User.email.in_([e for e, _ in mentors]))))
    assert mentor_roles == {Role.MENTOR}
    roles = {role for _, _, _, role, *_ in DEMO_USERS} | mentor_roles
    assert roles == set(Role)
    assert {u[4].value for u in DEMO_USERS} >= {"PL", "LT"}
    assert {u[5] for u in DEMO_USERS} == set(LANGUAGES)
    for email, password in [*((email, password) for email, password, *_ in DEMO_USERS), *dict(mentors).items()]:
        assert client.post_form("/login", {"email": email, "password": password}).status_code == 303, email
        client.post_form("/logout")


def test_create_admin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "Boss@Example.com", "--name", "Boss",
                                 "--password", "a strong admin password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.com"))
    assert user.role == Role.ADMIN
    weak = runner.invoke(args=["create-admin", "--email", "weak@example.com", "--name", "W", "--password", "123"])
    assert weak.exit_code != 0 and "at least" in weak.output
