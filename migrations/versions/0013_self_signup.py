"""Self sign-up: a person's proved phone and the privacy notice they accepted.

``phone_verified_at`` is when the phone was proved with an SMS code; ``privacy_notice_version``
and ``privacy_notice_accepted_at`` record the notice accepted at sign-up (PIPL art. 14). Rows
from before this revision have none: their accounts were made by administrators.

Revision ID: 0013_self_signup
Revises: 0003_authn (the accounts branch: persons is 0002_accounts)
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_self_signup"
down_revision = "0003_authn"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("persons", sa.Column("phone_verified_at", sa.DateTime(timezone=True),
                                       nullable=True))
    op.add_column("persons", sa.Column("privacy_notice_version", sa.String(32), nullable=True))
    op.add_column("persons", sa.Column("privacy_notice_accepted_at", sa.DateTime(timezone=True),
                                       nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("privacy_notice_accepted_at")
        batch.drop_column("privacy_notice_version")
        batch.drop_column("phone_verified_at")
