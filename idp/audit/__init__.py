"""The audit log: one documented vocabulary of events, written in the caller's transaction."""

from idp.audit.events import EventType, Outcome
from idp.audit.record import SYSTEM_ACTOR, Actor, AuditEvent, record

__all__ = ["SYSTEM_ACTOR", "Actor", "AuditEvent", "EventType", "Outcome", "record"]
