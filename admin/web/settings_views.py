"""The settings page (system administrator): what the running server uses, read-only."""

from __future__ import annotations

from flask import render_template

from admin import running_settings
from admin.roles import Permission
from admin.running_settings import Row, Secret, Unit
from admin.web.blueprints import bp
from admin.web.guard import page
from idp.services import services
from idp.web.i18n import t

UNITS: dict[Unit, tuple[str, str]] = {
    Unit.SECONDS: ("{} 秒", "{} s"), Unit.DAYS: ("{} 天", "{} days"),
    Unit.KIB: ("m={} KiB", "m={} KiB"), Unit.BITS: ("{} 位", "{} bits"),
    Unit.CHARACTERS: ("{} 个字符", "{} characters"), Unit.CLASSES: ("4 类中至少 {} 类", "{} of 4"),
    Unit.FAILURES: ("{} 次失败", "{} failures"), Unit.ACCOUNTS: ("{} 个账号", "{} accounts"),
    Unit.ADDRESSES: ("{} 个 IP", "{} IPs"), Unit.PASSES: ("t={}", "t={}"),
    Unit.LANES: ("p={}", "p={}"), Unit.PROXIES: ("{} 层", "{} proxies"),
}
SECRETS = {Secret.SET: ("已配置", "set"), Secret.NOT_SET: ("未设置", "not set"),
           Secret.GENERATED: ("自动生成于数据目录", "generated in the data folder")}
SPANS = {Unit.SECONDS: ((86400, "天", "d"), (3600, "小时", "h"), (60, "分钟", "min")),
         Unit.KIB: ((1024, "MiB", "MiB"),)}


@bp.get("/settings")
@page(Permission.SETTINGS)
def settings_page(admin):
    return render_template("admin/settings.html", shown=shown,
                           sections=running_settings.overview(services(), admin))


def shown(row: Row) -> str:
    """A row's value in the request's language, with its unit."""
    value = row.value
    if isinstance(value, Secret):
        return t(*SECRETS[value])
    if isinstance(value, bool):
        return t("是", "yes") if value else t("否", "no")
    if isinstance(value, tuple):
        return t(*value)
    if row.unit is None:
        return str(value)
    text = t(*UNITS[row.unit]).format(value)
    for size, zh, en in SPANS.get(row.unit, ()):  # 28800 s (8 h): the largest whole span
        if value >= size and value % size == 0:
            return text + t(f"（{value // size} {zh}）", f" ({value // size} {en})")
    return text
