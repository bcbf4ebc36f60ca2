"""Pictures of bulletin posts (stored files checked by their content, shown on the post's page and in the issue
PDF).

Revision ID: ace3f1f0cdf8
Revises: 6a4722a7e062
Create Date: 2026-12-06 00:30:31.369808

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ace3f1f0cdf8'
down_revision = '6a4722a7e062'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulletin_post_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('storage_backend', sa.String(length=16), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['bulletin_posts.id'], name=op.f('fk_bulletin_post_images_post_id_bulletin_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_bulletin_post_images_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_post_images')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_bulletin_post_images_storage_key'))
    )
    with op.batch_alter_table('bulletin_post_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_post_images_post_id'), ['post_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bulletin_post_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletin_post_images_post_id'))

    op.drop_table('bulletin_post_images')
