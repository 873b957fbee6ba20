"""SAML service providers: the registry model, metadata import, and ``idp clients add-saml``."""
