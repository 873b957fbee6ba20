"""What the token endpoint runs and keeps, on Authlib's grants.

- ``grant_types``: authorization_code, refresh_token, client_credentials (storage methods only).
- ``pkce``: where PKCE is checked (S256 only; required for public clients).
- ``openid_code``: the ID token in code and refresh responses.
- ``authorization_codes``: codes in the Store, single use, and what a redeemed code issued.
- ``refresh_tokens`` (its table: ``refresh_token_model``): rotation, families, revocation.
- ``client_auth``: the client authentication methods, and ``private_key_jwt``;
  ``client_jwks`` fetches and caches the keys of clients that registered a ``jwks_uri``.
"""
