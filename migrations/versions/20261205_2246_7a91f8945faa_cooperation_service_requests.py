"""Cooperation between members: service requests (orders between members), the members they are meant for, their
status history, attachments, offers, the thread per offering member and the ratings (issue 20). New tables only.

Revision ID: 7a91f8945faa
Revises: a81c0b427c10
Create Date: 2026-12-05 22:46:36.686764

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a91f8945faa'
down_revision = 'a81c0b427c10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('process', sa.Enum('cnc_milling', 'cnc_turning', 'cnc_programming', 'welding_mig_mag', 'welding_tig', 'laser_cutting', 'plasma_cutting', 'waterjet_cutting', 'bending', 'drilling', 'grinding', 'surface_treatment', 'assembly', 'design', 'logistics', 'warehousing', 'woodworking', 'blacksmithing', 'crafts', 'training', name='process', native_enum=False, length=32), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('max_thickness_mm', sa.Float(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('delivery_place', sa.String(length=200), nullable=True),
    sa.Column('cross_border', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('visibility', sa.Enum('all', 'chosen', 'one', name='visibility', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('open', 'agreed', 'in_progress', 'delivered', 'closed', 'cancelled', name='requeststatus', native_enum=False, length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_service_requests_company_id_companies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_service_requests_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_requests'))
    )
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_requests_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_requests_process'), ['process'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_requests_status'), ['status'], unique=False)

    op.create_table('service_request_audience',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_service_request_audience_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_service_request_audience_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'company_id', name=op.f('pk_service_request_audience'))
    )
    op.create_table('service_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('open', 'agreed', 'in_progress', 'delivered', 'closed', 'cancelled', name='requeststatus', native_enum=False, length=16), nullable=True),
    sa.Column('to_status', sa.Enum('open', 'agreed', 'in_progress', 'delivered', 'closed', 'cancelled', name='requeststatus', native_enum=False, length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_service_request_events_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_service_request_events_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_events'))
    )
    with op.batch_alter_table('service_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('service_request_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_service_request_messages_author_id_users')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_service_request_messages_company_id_companies')),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_service_request_messages_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_messages'))
    )
    with op.batch_alter_table('service_request_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_messages_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_messages_request_id'), ['request_id'], unique=False)

    op.create_table('service_request_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('currency', sa.Enum('EUR', 'PLN', name='currency', native_enum=False), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'declined', 'withdrawn', name='offerstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_service_request_offers_company_id_companies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_service_request_offers_created_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_service_request_offers_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_offers')),
    sa.UniqueConstraint('request_id', 'company_id', name=op.f('uq_service_request_offers_request_id'))
    )
    with op.batch_alter_table('service_request_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_offers_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_offers_request_id'), ['request_id'], unique=False)

    op.create_table('service_request_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_service_request_ratings_author_id_users')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_service_request_ratings_company_id_companies')),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_service_request_ratings_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_ratings')),
    sa.UniqueConstraint('request_id', 'company_id', name=op.f('uq_service_request_ratings_request_id'))
    )
    with op.batch_alter_table('service_request_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_ratings_request_id'), ['request_id'], unique=False)

    op.create_table('service_request_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('storage_backend', sa.String(length=16), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['service_request_offers.id'], name=op.f('fk_service_request_files_offer_id_service_request_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_service_request_files_request_id_service_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_service_request_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_service_request_files_storage_key'))
    )
    with op.batch_alter_table('service_request_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_files_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('service_request_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_files_request_id'))

    op.drop_table('service_request_files')
    with op.batch_alter_table('service_request_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_ratings_request_id'))

    op.drop_table('service_request_ratings')
    with op.batch_alter_table('service_request_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_offers_request_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_offers_company_id'))

    op.drop_table('service_request_offers')
    with op.batch_alter_table('service_request_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_messages_request_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_messages_company_id'))

    op.drop_table('service_request_messages')
    with op.batch_alter_table('service_request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_events_request_id'))

    op.drop_table('service_request_events')
    op.drop_table('service_request_audience')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_requests_status'))
        batch_op.drop_index(batch_op.f('ix_service_requests_process'))
        batch_op.drop_index(batch_op.f('ix_service_requests_company_id'))

    op.drop_table('service_requests')
