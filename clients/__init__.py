"""The relying-party registry: OIDC clients (here) and SAML service providers (``saml/``)."""
