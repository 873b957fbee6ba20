"""The OIDC provider's Flask views, one module per endpoint, thin: each reads the request,
calls the server or the logic below it, and shapes the response. ``idp.oidc.routes`` maps
every URL to them; no other module imports a view.

- ``authorize`` (+ resume from login), ``consent``, ``select_account``: the authorization
  endpoint and its pages; ``authorization_http`` is their shared request/response side and
  ``response_modes`` encodes the answer (query, fragment, form_post).
- ``par``, ``token``, ``introspection``, ``revocation``, ``userinfo``: the back-end endpoints.
- ``discovery``, ``jwks``: what relying parties fetch to configure themselves.
- ``registration``: RFC 7591/7592 dynamic client registration.
- ``end_session``: RP-initiated logout.
"""
