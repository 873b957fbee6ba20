"""The admin console's blueprints: pages under ``/admin`` and the JSON API under ``/admin/api``.

Both call the same service functions in ``admin/``. The blueprints live in ``blueprints``;
importing the view modules here adds their routes, so the app factory imports this package.
"""

from admin.web import (  # noqa: F401 - each view module registers its routes
    account_views,
    api,
    api_errors,
    audit_views,
    dashboard_views,
    directory_views,
    key_views,
    openapi,
    recovery_api,
    recovery_views,
    role_views,
    rp_views,
    settings_views,
    signin_views,
)
from admin.web.blueprints import api_bp, bp

__all__ = ["api_bp", "bp"]
