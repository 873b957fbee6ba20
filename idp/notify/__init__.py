"""Messages to people outside the browser: SMS through one ``SmsSender`` interface.

``send_sms`` (``delivery``) is what callers use: it renders one of the fixed message kinds
(``messages``), hands it to the sender the settings chose (``factory``: the development outbox
file or an HTTP gateway) and audits the outcome with the phone masked.
"""

from idp.masking import mask_phone
from idp.notify.delivery import send_sms
from idp.notify.messages import MessageKind, render
from idp.notify.sender import SmsMessage, SmsSender, SmsUnavailable

__all__ = ["MessageKind", "SmsMessage", "SmsSender", "SmsUnavailable", "mask_phone", "render",
           "send_sms"]
