"""The authorization endpoint's decisions (OIDC Core §3.1.2), free of Flask.

- ``decisions``: a request (new, resumed after login or consent, or the account chooser's
  answer) in, an ``Outcome`` out.
- ``outcomes``: those outcomes: answer the client, show an error, go to login, ask consent,
  choose an account.
- ``parameters``: the request's own parameters, read and checked (prompt, max_age, claims,
  acr_values, id_token_hint, response_mode).
- ``pending_requests``: requests waiting for login, the chooser or consent, in the Store;
  ``pushed_requests``: RFC 9126 pushed requests.

Whether the person must log in, choose an account or consent is ``idp.sso.policy``'s list of
checks, shared with SAML.
"""
