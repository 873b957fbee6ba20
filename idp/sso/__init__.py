"""Single sign-on: the SSO session, the protocol-neutral login hand-off, and login policy.

OIDC and SAML each turn a request into a ``LoginRequest`` kept in the Store and send the
browser to the login page; the login page resolves it into one ``SsoSession`` and sends the
browser back to ``return_to``, where the protocol re-checks ``policy.interaction_needed``
(the ordered list of login, account-choice and consent checks both protocols share).
"""
