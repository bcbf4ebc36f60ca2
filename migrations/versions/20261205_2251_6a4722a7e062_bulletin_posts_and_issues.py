"""The bulletin: news posts (per-language title and Markdown body, public or members-only, draft → proposed →
published or rejected with a reason, soft-deleted) and the numbered issues that gather them.

Revision ID: 6a4722a7e062
Revises: 7a91f8945faa
Create Date: 2026-12-05 22:51:14.670331

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a4722a7e062'
down_revision = '7a91f8945faa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulletin_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_issues')),
    sa.UniqueConstraint('number', name=op.f('uq_bulletin_issues_number'))
    )
    op.create_table('bulletin_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('source_language', sa.String(length=5), nullable=False),
    sa.Column('visibility', sa.Enum('public', 'members', name='visibility', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('draft', 'proposed', 'published', 'rejected', name='poststatus', native_enum=False, length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_bulletin_posts_author_id_users')),
    sa.ForeignKeyConstraint(['issue_id'], ['bulletin_issues.id'], name=op.f('fk_bulletin_posts_issue_id_bulletin_issues'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_posts'))
    )
    with op.batch_alter_table('bulletin_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_posts_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletin_posts_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletin_posts_published_at'), ['published_at'], unique=False)



def downgrade():
    with op.batch_alter_table('bulletin_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletin_posts_published_at'))
        batch_op.drop_index(batch_op.f('ix_bulletin_posts_issue_id'))
        batch_op.drop_index(batch_op.f('ix_bulletin_posts_author_id'))

    op.drop_table('bulletin_posts')
    op.drop_table('bulletin_issues')
