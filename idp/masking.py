"""What pages, audit events and messages may show of a phone or ID number: never all of it."""


def mask_phone(phone: str) -> str:
    """138****5678: what audit events and pages may show of a phone number."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


def mask_id_number(value: str | None) -> str | None:
    """110105********002X: region code and the last four stay visible."""
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}" if value else None
