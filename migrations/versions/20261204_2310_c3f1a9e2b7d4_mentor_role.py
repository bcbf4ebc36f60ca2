"""Company mentors get their own role: trainer accounts that only mentor become mentor accounts.

The role column stores the enum's value in a plain string column (``native_enum=False``, no CHECK constraint), so
the new value needs no schema change. The data step: a TRAINER account linked as mentor to some firm
(``company_members.is_mentor``) that leads no course (``course_trainers``) and no meeting
(``training_sessions.trainer_id``) was only ever a mentor, and becomes MENTOR. A trainer who also teaches keeps
the TRAINER role (their mentor rights come from the company link). The downgrade turns every MENTOR back into a
TRAINER, the only role the old code gave mentors.

Revision ID: c3f1a9e2b7d4
Revises: d95ed3b4c6a4
Create Date: 2026-12-04 23:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f1a9e2b7d4'
down_revision = 'd95ed3b4c6a4'
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("role", sa.String(20)))
company_members = sa.table("company_members", sa.column("user_id", sa.Integer), sa.column("is_mentor", sa.Boolean))
course_trainers = sa.table("course_trainers", sa.column("user_id", sa.Integer))
training_sessions = sa.table("training_sessions", sa.column("trainer_id", sa.Integer))


def upgrade():
    only_mentors = (
        sa.update(users)
        .where(users.c.role == "trainer",
               users.c.id.in_(sa.select(company_members.c.user_id).where(company_members.c.is_mentor.is_(True))),
               users.c.id.not_in(sa.select(course_trainers.c.user_id)),
               users.c.id.not_in(sa.select(training_sessions.c.trainer_id)
                                 .where(training_sessions.c.trainer_id.is_not(None))))
        .values(role="mentor")
    )
    op.execute(only_mentors)


def downgrade():
    op.execute(sa.update(users).where(users.c.role == "mentor").values(role="trainer"))
