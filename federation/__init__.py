"""Upstream identity sources: staff directories (LDAP / AD) and upstream identity providers.

Every source is a backend behind the one contract in ``federation.contract`` (DESIGN.md,
"Federation"): whatever it does, it ends in the same protocol-neutral result a password login
gives the SSO session, so OIDC, SAML, policy and audit never learn which source it was.
Only ``federation/ldap/`` imports python-ldap.
"""
