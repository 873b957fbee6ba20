"""The console's front page: where each role starts, and the dashboard with its charts."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from admin import administrators, charts, dashboard
from admin.access import allowed_somewhere
from admin.roles import Permission
from admin.web.blueprints import bp
from admin.web.guard import page
from clients.registry import list_clients
from idp.services import services
from idp.web.i18n import t

# Where each duty starts, in order of preference.
START = (
    (Permission.DASHBOARD_VIEW, "admin.dashboard_page"),
    (Permission.RP_VIEW, "admin.relying_parties"),
    (Permission.ACCOUNTS_SEARCH, "admin.account_search"),
    (Permission.AUDIT_READ, "admin.audit"),
    (Permission.KEYS_VIEW, "admin.key_list"),
)


@bp.get("/")
@page()
def home(admin):
    for permission, endpoint in START:
        if allowed_somewhere(admin, permission):
            return redirect(url_for(endpoint), code=303)
    return render_template("admin/nothing.html")


@bp.get("/dashboard")
@page(Permission.DASHBOARD_VIEW)
def dashboard_page(admin):
    data = dashboard.build(services(), admin)
    names = {c.client_id: c.name for c in list_clients(services())}
    hours = [f"{(h.hour + 8) % 24:02d}:00" for h in data.hours]  # shown in CST
    return render_template(
        "admin/dashboard.html", data=data, hours=hours,
        client_names=names, pending=administrators.first_run_pending(services()),
        logins_chart=charts.hourly_bars(hours, data.logins_ok, data.logins_failed,
                                        t("每小时登录次数（近24小时）", "Logins per hour (24 h)"),
                                        t("成功", "Success"), t("失败", "Failure")),
        accounts_chart=charts.ranked_bars(data.top_failing_accounts,
                                          t("失败最多的账号", "Top failing accounts")),
        ips_chart=charts.ranked_bars(data.top_failing_ips, t("失败最多的IP", "Top failing IPs")),
        tokens_chart=charts.ranked_bars(data.tokens_per_client,
                                        t("各应用签发令牌数", "Tokens per client"), cls="ok",
                                        names=names),
    )
