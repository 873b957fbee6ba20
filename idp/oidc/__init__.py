"""The OpenID Connect provider, on Authlib's authorization-server framework.

Authlib owns the protocol; our code is storage, policy and wiring. Table of contents:

- ``routes``: every URL and its view (the one module that imports views).
- ``endpoints/``: the Flask views, one module per endpoint, thin.
- ``server``: the Authlib wiring (grants, endpoint classes, client authentication);
  ``authlib_endpoints``: Authlib's introspection, revocation and end-session classes.
- ``authorization/``: the authorization endpoint's decisions, free of Flask.
- ``grants/``: the grant types' storage, PKCE, authorization codes, refresh tokens, client
  authentication.
- ``tokens/``: the token formats (the JWTs we sign), access tokens after issue, revocation.
- ``logout/``: RP-initiated, front-channel and back-channel logout.
- ``provider_metadata`` (discovery), ``claims`` (what a client receives), ``end_user`` (who
  a grant is for), ``errors`` (protocol errors), ``audit_actor`` (who made the request).
"""
