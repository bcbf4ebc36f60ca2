from sqlalchemy import func, select

from app.accounts.models import User
from app.core.permissions import Role
from tests.factories import create_user


def test_rows_from_one_test_are_gone_in_the_next_part_one(db):
    create_user(Role.ADMIN, email="isolation@example.com")
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_rows_from_one_test_are_gone_in_the_next_part_two(db):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_request_sees_test_data_and_test_sees_request_changes(client, db, login):
    trainee = create_user(Role.TRAINEE)
    login(trainee)
    response = client.post_form("/language", {"language": "lt", "next": "/"})
    assert response.status_code == 303
    db.session.refresh(trainee)
    assert trainee.language == "lt"
