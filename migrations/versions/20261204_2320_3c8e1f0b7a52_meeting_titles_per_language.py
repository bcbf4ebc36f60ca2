"""Meeting titles per language: the single string becomes {<course source language>: title}.

Revision ID: 3c8e1f0b7a52
Revises: c3f1a9e2b7d4
Create Date: 2026-12-04 23:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8e1f0b7a52'
down_revision = 'c3f1a9e2b7d4'
branch_labels = None
depends_on = None

# The tables as this step sees them (not the models, which move on).
courses = sa.table('courses', sa.column('id', sa.Integer), sa.column('source_language', sa.String))


def _meetings(title_type):
    return sa.table('training_sessions', sa.column('id', sa.Integer), sa.column('course_id', sa.Integer),
                    sa.column('title', title_type), sa.column('titles', sa.JSON))


def upgrade():
    # A new column filled row by row (JSON written by SQLAlchemy, the same on SQLite and PostgreSQL), then it takes
    # the old one's name: the existing title was written in the course's source language.
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('titles', sa.JSON(), nullable=True))
    meetings = _meetings(sa.String(200))
    connection = op.get_bind()
    rows = connection.execute(sa.select(meetings.c.id, meetings.c.title, courses.c.source_language)
                              .join(courses, courses.c.id == meetings.c.course_id)).all()
    for meeting_id, title, language in rows:
        connection.execute(meetings.update().where(meetings.c.id == meeting_id)
                           .values(titles={language or 'pl': title} if title else {}))
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('title')
        batch_op.alter_column('titles', new_column_name='title', existing_type=sa.JSON(), nullable=False)


def downgrade():
    # Back to one string: the source language's title, else any.
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('single_title', sa.String(length=200), nullable=True))
    meetings = sa.table('training_sessions', sa.column('id', sa.Integer), sa.column('course_id', sa.Integer),
                        sa.column('title', sa.JSON), sa.column('single_title', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(meetings.c.id, meetings.c.title, courses.c.source_language)
                              .join(courses, courses.c.id == meetings.c.course_id)).all()
    for meeting_id, titles, language in rows:
        titles = titles or {}
        title = titles.get(language) or next((t for t in titles.values() if t), '')
        connection.execute(meetings.update().where(meetings.c.id == meeting_id).values(single_title=title[:200]))
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('title')
        batch_op.alter_column('single_title', new_column_name='title', existing_type=sa.String(length=200),
                              nullable=False)
