"""The tokens the provider issues and later recognises.

- ``jwt``: the JWTs we sign (RFC 9068 access tokens, ID tokens, back-channel logout tokens).
- ``access_tokens``: an access token after issue: verification, its grant context, revocation.
- ``revoked``: the list of revoked access-token ``jti``, in the Store.
- ``lookup``: a presented token found for introspection and revocation.
- ``userinfo_jwt``: signed UserInfo responses (OIDC Core §5.3.2).

Authorization codes and refresh tokens are grant storage: ``idp.oidc.grants``.
"""
