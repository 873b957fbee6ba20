"""Accounts: persons, legal persons, authorisations.

Revision ID: 0002_accounts
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_accounts"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("account_class", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("id_number_sealed", sa.Text()),
        sa.Column("id_number_index", sa.String(64)),
        sa.Column("phone_sealed", sa.Text()),
        sa.Column("phone_index", sa.String(64)),
        sa.Column("email_sealed", sa.Text()),
        sa.Column("email_index", sa.String(64)),
        sa.Column("address_sealed", sa.Text()),
        sa.Column("assurance_level", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
        sa.UniqueConstraint("username", name="uq_persons_username"),
        sa.UniqueConstraint("id_number_index", name="uq_persons_id_number_index"),
        sa.CheckConstraint(
            "assurance_level BETWEEN 1 AND 3", name="ck_persons_assurance_level"
        ),
    )
    op.create_index("ix_persons_phone_index", "persons", ["phone_index"])
    op.create_index("ix_persons_email_index", "persons", ["email_index"])
    op.create_table(
        "legal_persons",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_legal_persons"),
        sa.UniqueConstraint("credit_code", name="uq_legal_persons_credit_code"),
    )
    op.create_table(
        "authorisations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("legal_person_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _when("valid_from"),
        _when("valid_until", nullable=True),
        sa.Column("granted_by", sa.String(64), nullable=False),
        _when("granted_at"),
        _when("revoked_at", nullable=True),
        sa.Column("revoked_by", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_authorisations"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_authorisations_person_id_persons"
        ),
        sa.ForeignKeyConstraint(
            ["legal_person_id"], ["legal_persons.id"],
            name="fk_authorisations_legal_person_id_legal_persons",
        ),
    )
    op.create_index("ix_authorisations_person_id", "authorisations", ["person_id"])
    op.create_index("ix_authorisations_legal_person_id", "authorisations", ["legal_person_id"])


def downgrade() -> None:
    op.drop_table("authorisations")
    op.drop_table("legal_persons")
    op.drop_table("persons")
