"""Events outside courses: study visits, fairs, gatherings, cluster meetings, each owning one course-less training
meeting (``training_sessions.course_id`` becomes nullable), with registrations (and a waiting list) and photos.

Revision ID: e4c7a2b9d815
Revises: ace3f1f0cdf8
Create Date: 2026-12-06 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4c7a2b9d815'
down_revision = 'ace3f1f0cdf8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('study_visit', 'fair', 'gathering', 'cluster_meeting', name='eventkind', native_enum=False, length=20), nullable=False),
    sa.Column('visibility', sa.Enum('public', 'members', name='eventvisibility', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('programme', sa.JSON(), nullable=False),
    sa.Column('source_language', sa.String(length=5), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('host_company_id', sa.Integer(), nullable=True),
    sa.Column('specialisation_id', sa.Integer(), nullable=True),
    sa.Column('registration_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['host_company_id'], ['companies.id'], name=op.f('fk_events_host_company_id_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['training_sessions.id'], name=op.f('fk_events_meeting_id_training_sessions')),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_events_organiser_id_users')),
    sa.ForeignKeyConstraint(['specialisation_id'], ['specialisations.id'], name=op.f('fk_events_specialisation_id_specialisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_events_meeting_id'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_host_company_id'), ['host_company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_specialisation_id'), ['specialisation_id'], unique=False)

    op.create_table('event_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waiting', 'cancelled', name='registrationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_registrations_event_id_events')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_registrations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registrations')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_registrations_event_id'))
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('event_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('storage_backend', sa.String(length=16), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_photos_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_event_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_photos')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_event_photos_storage_key'))
    )
    with op.batch_alter_table('event_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_photos_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_photos_event_id'))
    op.drop_table('event_photos')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_event_id'))
    op.drop_table('event_registrations')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_specialisation_id'))
        batch_op.drop_index(batch_op.f('ix_events_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_events_host_company_id'))
    op.drop_table('events')
    # Hosted meetings have no course: they go before the column is required again.
    op.execute("DELETE FROM attendance_changes WHERE attendance_id IN (SELECT a.id FROM attendances a JOIN "
               "training_sessions s ON s.id = a.session_id WHERE s.course_id IS NULL)")
    op.execute("DELETE FROM attendances WHERE session_id IN (SELECT id FROM training_sessions WHERE course_id IS NULL)")
    op.execute("DELETE FROM signed_sheets WHERE session_id IN (SELECT id FROM training_sessions WHERE course_id IS NULL)")
    op.execute("DELETE FROM training_sessions WHERE course_id IS NULL")
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=False)
