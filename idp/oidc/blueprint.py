"""The OIDC blueprint; each endpoint module adds its views to it."""

from flask import Blueprint

bp = Blueprint("oidc", __name__)

# Importing the endpoint modules registers their views.
from idp.oidc import (  # noqa: E402, F401
    authorize,
    consent,
    discovery,
    introspection,
    logout,
    par,
    revocation,
    select_account,
    token,
    userinfo,
)
