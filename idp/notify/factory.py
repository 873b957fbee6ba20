"""The sender the settings name: ``IDP_SMS_SENDER=outbox`` (default) or ``http``."""

from __future__ import annotations

from idp.notify.http_gateway import HttpGatewaySender
from idp.notify.outbox import OUTBOX_NAME, OutboxSender
from idp.notify.sender import SmsSender
from idp.settings import Settings


def make_sms_sender(settings: Settings) -> SmsSender:
    """A sender for these settings (cheap: it holds only its configuration)."""
    if settings.sms_sender == "http":
        return HttpGatewaySender(
            settings.sms_gateway_url, settings.sms_gateway_template,
            timeout=settings.sms_gateway_timeout_seconds, retries=settings.sms_gateway_retries,
            token=settings.sms_gateway_token,
        )
    return OutboxSender(settings.data_dir / OUTBOX_NAME)
