"""A SAML service provider and its policy (mirrors the OIDC client's policy fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, utcnow
from idp.sso.first_factors import ALL_FIRST_FACTORS


class ServiceProvider(Base):
    __tablename__ = "saml_service_providers"

    entity_id: Mapped[str] = mapped_column(String(1024), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    # [{"binding", "location", "index", "is_default"}] from md:AssertionConsumerService.
    acs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"binding", "location", "response_location"}] from md:SingleLogoutService.
    slo: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signing_certs: Mapped[list[str]] = mapped_column(JSON, default=list)  # PEM
    encryption_certs: Mapped[list[str]] = mapped_column(JSON, default=list)  # PEM
    nameid_format: Mapped[str] = mapped_column(
        String(128), default="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    )
    want_assertions_signed: Mapped[bool] = mapped_column(Boolean, default=True)
    authn_requests_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sign the Response as well as the Assertion (some SP libraries insist on it).
    sign_response: Mapped[bool] = mapped_column(Boolean, default=False)
    # Encrypt assertions when the metadata offers an encryption key (AES-GCM, RSA-OAEP).
    encrypt_assertions: Mapped[bool] = mapped_column(Boolean, default=True)
    # Claim names (as OIDC's allowed_claims) released as SAML attributes.
    allowed_attributes: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_level: Mapped[int] = mapped_column(Integer, default=1)
    # Which accounts it admits: "person" (citizens, administrators), "staff" (issue 14).
    account_classes: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["person"])
    # The first factors a login for it may use (issue 13): password, sms, passkey, scan.
    first_factors: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(ALL_FIRST_FACTORS))
    # The upstream identity providers (their names) a login for it may come through (issue
    # 15); empty: every enabled one.
    upstreams: Mapped[list[str]] = mapped_column(JSON, default=list)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    metadata_xml: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    def acs_by_url(self, url: str) -> dict[str, Any] | None:
        return next((a for a in self.acs if a["location"] == url), None)

    def acs_by_index(self, index: int) -> dict[str, Any] | None:
        return next((a for a in self.acs if a.get("index") == index), None)

    def default_acs(self, binding: str | None = None) -> dict[str, Any] | None:
        """SAML Metadata §2.2.3: isDefault="true", else the first without isDefault="false",
        else the first; restricted to binding when given."""
        candidates = [a for a in self.acs if binding is None or a["binding"] == binding]
        return (
            next((a for a in candidates if a.get("is_default") is True), None)
            or next((a for a in candidates if a.get("is_default") is None), None)
            or (candidates[0] if candidates else None)
        )

    def slo_endpoint(self, bindings: tuple[str, ...]) -> dict[str, Any] | None:
        for binding in bindings:
            found = next((s for s in self.slo if s["binding"] == binding), None)
            if found:
                return found
        return None

    def summary(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id, "name": self.name, "department": self.department,
            "acs": self.acs, "slo": self.slo, "nameid_format": self.nameid_format,
            "authn_requests_signed": self.authn_requests_signed,
            "want_assertions_signed": self.want_assertions_signed,
            "sign_response": self.sign_response,
            "encrypts": bool(self.encryption_certs) and self.encrypt_assertions,
            "allowed_attributes": self.allowed_attributes, "min_level": self.min_level,
            "account_classes": self.account_classes, "first_factors": self.first_factors,
            "upstreams": self.upstreams, "disabled": self.disabled,
        }
