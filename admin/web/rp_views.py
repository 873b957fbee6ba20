"""Relying-party pages: the list, OIDC client registration and policy, SAML SP import."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from admin import oidc_clients, saml_sps
from admin.access import allowed, allowed_somewhere
from admin.errors import AdminError
from admin.fetch import fetch_metadata
from admin.oidc_form import to_metadata
from admin.relying_parties import list_relying_parties
from admin.roles import Permission
from admin.web import one_time
from admin.web.blueprints import bp
from admin.web.guard import page
from clients.errors import ClientError
from federation.upstreams import list_upstreams
from idp.claims import KNOWN_CLAIMS
from idp.services import services
from idp.web.i18n import language, t


def _problem(exc: Exception) -> str:
    if isinstance(exc, AdminError):
        return exc.describe(language())
    if language() == "en":
        return exc.description
    # The registry's descriptions are English (RFC 7591 answers programs): Chinese first here.
    return f"{exc.zh}：{exc.description}"


def _done(message: str, target: str):
    flash(message, "success")
    return redirect(target, code=303)


@bp.get("/relying-parties")
@page(Permission.RP_VIEW)
def relying_parties(admin):
    query = request.args.get("q", "")[:100]
    rows = list_relying_parties(services(), admin, query)
    return render_template("admin/relying_parties.html", rows=rows, q=query,
                           can_manage=allowed_somewhere(admin, Permission.RP_REGISTER))


def _own(admin) -> str | None:
    """The department a department administrator manages (None: every department)."""
    departments = {getattr(g, "department", None) for g in admin.grants} - {None}
    return next(iter(departments)) if len(departments) == 1 else None


@bp.route("/clients/new", methods=["GET", "POST"])
@page(Permission.RP_REGISTER)
def client_new(admin):
    form = request.form if request.method == "POST" else {"department": _own(admin) or ""}
    if request.method == "POST":
        try:
            client, secret = oidc_clients.register(
                services(), admin, to_metadata(request.form, from_form=True),
                request.form.get("reason"))
        except (AdminError, ClientError) as exc:
            flash(_problem(exc), "error")
        else:
            return _show_secret_once(admin, client.client_id, secret)
    return render_template("admin/client_form.html", client=None, form=form,
                           claims=sorted(KNOWN_CLAIMS), upstream_choices=_upstream_choices())


@bp.get("/clients/<client_id>")
@page(Permission.RP_VIEW)
def client_detail(admin, client_id):
    client = oidc_clients.get_client(services(), admin, client_id[:64])
    return render_template("admin/client_form.html", client=client, form=_form_of(client),
                           claims=sorted(KNOWN_CLAIMS), upstream_choices=_upstream_choices(),
                           can_manage=allowed(admin, Permission.RP_EDIT, client.department))


@bp.post("/clients/<client_id>")
@page(Permission.RP_EDIT)
def client_update(admin, client_id):
    try:
        client, secret = oidc_clients.update(services(), admin, client_id[:64],
                                             to_metadata(request.form, from_form=True),
                                             request.form.get("reason"))
    except (AdminError, ClientError) as exc:
        flash(_problem(exc), "error")
        client = oidc_clients.get_client(services(), admin, client_id[:64])
        return render_template("admin/client_form.html", client=client, form=request.form,
                               claims=sorted(KNOWN_CLAIMS), upstream_choices=_upstream_choices(),
                               can_manage=True), 400
    if secret:
        return _show_secret_once(admin, client_id, secret)
    return _done(t("已保存。", "Saved."), url_for("admin.client_detail", client_id=client_id))


@bp.post("/clients/<client_id>/disable")
@page(Permission.RP_DISABLE)
def client_disable(admin, client_id):
    disabled = request.form.get("disabled", "1") == "1"
    try:
        oidc_clients.set_disabled(services(), admin, client_id[:64], disabled,
                                  request.form.get("reason"))
    except AdminError as exc:
        flash(_problem(exc), "error")
        return redirect(url_for("admin.client_detail", client_id=client_id), code=303)
    return _done(t("已停用。", "Disabled.") if disabled else t("已启用。", "Enabled."),
                 url_for("admin.client_detail", client_id=client_id))


@bp.post("/clients/<client_id>/secret")
@page(Permission.RP_ROTATE_SECRET)
def client_rotate(admin, client_id):
    try:
        secret = oidc_clients.rotate_secret(services(), admin, client_id[:64],
                                            request.form.get("reason"))
    except (AdminError, ClientError) as exc:
        flash(_problem(exc), "error")
        return redirect(url_for("admin.client_detail", client_id=client_id), code=303)
    return _show_secret_once(admin, client_id, secret)


def _show_secret_once(admin, client_id: str, secret: str | None):
    """Redirect to the page that shows the secret (POST/redirect/GET: no re-post on reload)."""
    once = one_time.keep(admin.account_id, client_id, secret) if secret else ""
    return redirect(url_for("admin.client_secret", client_id=client_id, once=once), code=303)


@bp.get("/clients/<client_id>/secret")
@page(Permission.RP_VIEW)
def client_secret(admin, client_id):
    client = oidc_clients.get_client(services(), admin, client_id[:64])
    once = request.args.get("once", "")
    secret = one_time.take(admin.account_id, client.client_id, once)
    if once and secret is None:
        flash(t("客户端密钥已显示过，不能再次查看；如已遗失，请轮换。",
                "The client secret was already shown; rotate it if it was lost."), "error")
        return redirect(url_for("admin.client_detail", client_id=client.client_id), code=303)
    return render_template("admin/client_secret.html", client=client, secret=secret)


def _form_of(client) -> dict:
    return {
        "client_name": client.name, "department": client.department or "",
        "redirect_uris": "\n".join(client.redirect_uris),
        "post_logout_redirect_uris": "\n".join(client.post_logout_redirect_uris),
        "backchannel_logout_uri": client.backchannel_logout_uri or "",
        "frontchannel_logout_uri": client.frontchannel_logout_uri or "",
        "scope": " ".join(client.allowed_scopes), "allowed_claims": client.allowed_claims,
        "min_level": str(client.min_level), "subject_type": client.subject_type,
        "first_party": "1" if client.first_party else "",
        "token_endpoint_auth_method": client.token_endpoint_auth_method,
        "application_type": client.application_type,
        "account_classes": client.account_classes or ["person"],
        "first_factors": client.first_factors, "upstreams": client.upstreams or [],
    }


@bp.route("/saml/new", methods=["GET", "POST"])
@page(Permission.RP_REGISTER)
def saml_new(admin):
    form = request.form if request.method == "POST" else {"department": _own(admin) or ""}
    if request.method == "POST":
        try:
            upload = request.files.get("metadata_file")
            url = request.form.get("metadata_url", "").strip()
            xml = upload.read() if upload and upload.filename else (
                fetch_metadata(url, allow_private=services().settings.metadata_fetch_allow_private)
                if url else b"")
            sp = saml_sps.register(
                services(), admin, xml, request.form.get("reason"),
                department=request.form.get("department", "").strip() or None,
                name=request.form.get("name", "").strip() or None,
                allowed_attributes=request.form.getlist("allowed_attributes"),
                min_level=_level(request.form.get("min_level")),
                account_classes=_account_classes(request.form),
                first_factors=request.form.getlist("first_factors")
                if request.form.get("first_factors_sent") else None,
                upstreams=request.form.getlist("upstreams"))
        except AdminError as exc:
            flash(_problem(exc), "error")
        else:
            return _done(t("已导入服务提供者。", "Service provider registered."),
                         url_for("admin.saml_detail", entity_id=sp.entity_id))
    return render_template("admin/saml_form.html", sp=None, form=form,
                           claims=sorted(KNOWN_CLAIMS), upstream_choices=_upstream_choices())


def _upstream_choices() -> list[tuple[str, str, bool]]:
    """(name, display name, disabled) of every registered upstream, for the checkboxes."""
    return [(row.name, row.display_name, row.disabled) for row in list_upstreams(services())]


def _account_classes(form) -> list[str] | None:
    """The ticked classes when the checkbox pair was on the form (an empty list is refused)."""
    return form.getlist("account_classes") if form.get("account_classes_sent") else None


def _level(value) -> int:
    return int(value) if value in ("1", "2", "3") else 1


@bp.get("/saml")
@page(Permission.RP_VIEW)
def saml_detail(admin):
    sp = saml_sps.get_sp(services(), admin, request.args.get("entity_id", "")[:1024])
    form = {"name": sp.name, "department": sp.department or "",
            "allowed_attributes": sp.allowed_attributes, "min_level": str(sp.min_level),
            "account_classes": sp.account_classes or ["person"],
            "first_factors": sp.first_factors, "upstreams": sp.upstreams or [],
            "sign_response": "1" if sp.sign_response else "",
            "encrypt_assertions": "1" if sp.encrypt_assertions else ""}
    return render_template("admin/saml_form.html", sp=sp, form=form, claims=sorted(KNOWN_CLAIMS),
                           upstream_choices=_upstream_choices(),
                           can_manage=allowed(admin, Permission.RP_EDIT, sp.department))


@bp.post("/saml")
@page(Permission.RP_EDIT)
def saml_update(admin):
    entity_id = request.args.get("entity_id", "")[:1024]
    values = {k: request.form.get(k, "") for k in ("name", "department", "min_level")}
    values["allowed_attributes"] = request.form.getlist("allowed_attributes")
    if (classes := _account_classes(request.form)) is not None:
        values["account_classes"] = classes
    if request.form.get("first_factors_sent"):  # issue 13; none ticked is refused
        values["first_factors"] = request.form.getlist("first_factors")
    if request.form.get("upstreams_sent"):  # issue 15; none ticked: every enabled upstream
        values["upstreams"] = request.form.getlist("upstreams")
    for flag in ("sign_response", "encrypt_assertions"):
        values[flag] = request.form.get(flag, "")
    try:
        saml_sps.update_policy(services(), admin, entity_id, values, request.form.get("reason"))
    except AdminError as exc:
        flash(_problem(exc), "error")
        if exc.status == 404:
            return redirect(url_for("admin.saml_detail", entity_id=entity_id), code=303)
        # What was typed and ticked stays on the page, as on the OIDC client's form.
        sp = saml_sps.get_sp(services(), admin, entity_id)
        return render_template("admin/saml_form.html", sp=sp, form=request.form,
                               claims=sorted(KNOWN_CLAIMS), upstream_choices=_upstream_choices(),
                               can_manage=True), 400
    return _done(t("已保存。", "Saved."), url_for("admin.saml_detail", entity_id=entity_id))


@bp.post("/saml/disable")
@page(Permission.RP_DISABLE)
def saml_disable(admin):
    entity_id = request.args.get("entity_id", "")[:1024]
    disabled = request.form.get("disabled", "1") == "1"
    try:
        saml_sps.set_disabled(services(), admin, entity_id, disabled, request.form.get("reason"))
    except AdminError as exc:
        flash(_problem(exc), "error")
    return redirect(url_for("admin.saml_detail", entity_id=entity_id), code=303)
