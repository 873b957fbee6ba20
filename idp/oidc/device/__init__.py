"""The OAuth 2.0 Device Authorization Grant (RFC 8628) for self-service terminals and TVs.

``user_codes`` makes and reads the codes a person types, ``device_requests`` keeps one request
per device code in the Store (pending, approved or denied; the polling pace beside it),
``entry_limits`` counts wrong codes per browser and per address, and ``review`` decides, with
the login policy shared by every relying party, what the person at ``/device`` sees next.
Authlib runs the protocol: ``idp.oidc.grants.device_code`` holds its endpoint and grant.
"""
