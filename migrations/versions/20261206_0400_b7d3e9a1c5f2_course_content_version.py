"""Course content version: changes with every edit of a course's content; the cached outline is keyed by it.

Revision ID: b7d3e9a1c5f2
Revises: b7e3d51c9a20
Create Date: 2026-12-06 04:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d3e9a1c5f2'
down_revision = 'b7e3d51c9a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.String(length=16), nullable=True))
    # Random per course (as new_content_version gives): another database's cached outlines never match.
    courses = sa.table('courses', sa.column('id', sa.Integer), sa.column('content_version', sa.String))
    connection = op.get_bind()
    for (course_id,) in connection.execute(sa.select(courses.c.id)).all():
        connection.execute(courses.update().where(courses.c.id == course_id)
                           .values(content_version=secrets.token_hex(8)))
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.alter_column('content_version', existing_type=sa.String(length=16), nullable=False)


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('content_version')
