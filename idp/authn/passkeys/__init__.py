"""Passkeys (WebAuthn, through py_webauthn): registered from "my account", used as the second
factor after a password or alone as a passwordless login with user verification.

``relying_party`` says who we are to the browser (RP ID and origin, from the issuer) and keeps
each ceremony's challenge; ``registration`` and ``assertion`` run the two ceremonies;
``credentials`` lists and removes a person's passkeys; ``methods`` names what a passkey proves
(RFC 8176 ``hwk``/``swk`` + ``user``).
"""
