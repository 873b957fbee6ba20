"""OpenID Connect upstreams: discovery, the code flow with PKCE, ID token and logout token
checks. Registered as ``SourceKind.OIDC`` in ``federation.registry``."""
