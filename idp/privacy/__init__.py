"""Keeping one's own account (PIPL chapter IV, the person's rights): login history, a copy of
one's data (art. 45), deletion with a grace period and the erasure job (art. 47).

It sits with the protocols because erasure and the data copy reach what the OIDC provider
keeps for a person (refresh tokens) and what the registries keep (consents, site names).
Views live in ``idp.web.auth``; the ``purge-deleted`` command joins ``idp users``.
"""
