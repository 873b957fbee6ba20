"""The OpenID Connect provider, on Authlib's authorization-server framework.

One module per endpoint or concern: ``server`` wires Authlib's grants and endpoints (our code is
storage, policy and wiring); ``authorize`` / ``consent`` the authorization endpoint and its
hand-off to login; ``token``, ``userinfo``, ``introspection``, ``revocation``, ``par``,
``discovery``, ``logout`` / ``backchannel`` the other endpoints; ``tokens`` the JWTs we sign.
"""
