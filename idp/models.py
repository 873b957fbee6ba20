"""Imports every module that defines tables, so Base.metadata knows the whole schema."""

import admin.roles  # noqa: F401
import clients.consent  # noqa: F401
import clients.models  # noqa: F401
import clients.saml.models  # noqa: F401
import federation.models  # noqa: F401
import idp.accounts.deletion  # noqa: F401
import idp.accounts.models  # noqa: F401
import idp.audit.record  # noqa: F401
import idp.authn.models  # noqa: F401
import idp.authn.passkeys.models  # noqa: F401
import idp.oidc.grants.refresh_token_model  # noqa: F401
import idp.store.sql_store  # noqa: F401
import idp.verification.models  # noqa: F401
import keys.data_keys  # noqa: F401
import keys.models  # noqa: F401
