"""Real-name verification: the local population and legal-entity registers (keyed hashes
only, see idp/verification/models.py) and agents invited by a legal representative.

Revision ID: 0014_real_name_registers
Revises: 0013_self_signup
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_real_name_registers"
down_revision = "0013_self_signup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "population_register",
        sa.Column("id_number_index", sa.String(64), primary_key=True),
        sa.Column("record_index", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "entity_register",
        sa.Column("credit_code_index", sa.String(64), primary_key=True),
        sa.Column("name_index", sa.String(64), nullable=False),
        sa.Column("representative_index", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "agent_invitations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("legal_person_id", sa.String(36), sa.ForeignKey("legal_persons.id"),
                  nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("invited_by", sa.String(36), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_agent_invitations_legal_person_id", "agent_invitations",
                    ["legal_person_id"])
    op.create_index("ix_agent_invitations_person_id", "agent_invitations", ["person_id"])


def downgrade() -> None:
    op.drop_table("agent_invitations")
    op.drop_table("entity_register")
    op.drop_table("population_register")
