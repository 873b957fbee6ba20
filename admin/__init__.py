"""The admin console and its role model (``admin.roles``: separation of duties)."""
