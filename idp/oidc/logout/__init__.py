"""OIDC logout, the logic (the end-session view is ``idp.oidc.endpoints.end_session``).

- ``rp_initiated``: RP-Initiated Logout 1.0: whether an ``id_token_hint`` names the session,
  and where a confirmed logout may return.
- ``backchannel``: Back-Channel Logout 1.0: logout tokens POSTed when a session ends.
- ``frontchannel``: Front-Channel Logout 1.0: the URIs the logout page loads in iframes.
- ``participants``: the OIDC clients a session signed in to (both channels start there).
- ``session_hooks``: what the provider adds to every SSO session's end.

Ending the session itself is protocol-neutral: ``idp.sso.logout``.
"""
