"""The offline queue's replay keys: one row per (person, Idempotency-Key) of an accepted action, so that an
action sent again by a device counts once.

Revision ID: 768495ee2029
Revises: e4c7a2b9d815
Create Date: 2026-12-06 00:30:59.259665

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '768495ee2029'
down_revision = 'e4c7a2b9d815'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('replay_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('endpoint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_replay_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replay_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_replay_keys_user_id'))
    )
    with op.batch_alter_table('replay_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replay_keys_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_replay_keys_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('replay_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replay_keys_user_id'))
        batch_op.drop_index(batch_op.f('ix_replay_keys_created_at'))

    op.drop_table('replay_keys')
