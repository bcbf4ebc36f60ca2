"""Per-enrolment summaries for the reports (attendance counts, hours, last activity), kept on every write.

Fill them after upgrading: ``flask reporting rebuild-summaries``.

Revision ID: b7e3d51c9a20
Revises: 4ca828b6b4a9
Create Date: 2026-12-06 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3d51c9a20'
down_revision = '4ca828b6b4a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrolment_summaries',
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('meetings', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('excused', sa.Integer(), nullable=False),
    sa.Column('attended_hours', sa.Float(), nullable=False),
    sa.Column('open_period', sa.Boolean(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_lesson_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_quiz_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_enrolment_summaries_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_enrolment_summaries'))
    )
    with op.batch_alter_table('enrolment_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_summaries_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_summaries_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('enrolment_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_summaries_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_summaries_course_id'))

    op.drop_table('enrolment_summaries')
