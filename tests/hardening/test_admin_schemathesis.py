"""Schemathesis against a served IdP's admin API, from the API's own OpenAPI document: on SQLite
and PostgreSQL, every operation gets schema-valid requests (with the ids of real objects where
a path names one) and schema-breaking ones, as the administrator whose role may call it. No
answer may be a 5xx, and every answer must have a documented status, media type and shape.

Bounded and seeded: hypothesis runs derandomized, so CI sends the same requests every time.
"""

from __future__ import annotations

from functools import partial

import pytest
import requests
import schemathesis
from admin_console import CSRF, administrators, cookie, holder
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES

from admin.roles import Permission
from idp.accounts.service import find_person_by_username

POSITIVE, NEGATIVE = 20, 12  # examples per operation and mode
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]


def _call(case, **kwargs) -> None:
    case.call_and_validate(checks=CHECKS, timeout=30, **kwargs)


def _fuzz(strategy, count: int, call, fail) -> int:
    """Run ``call`` on ``count`` cases drawn from ``strategy``; ``fail`` gets each failure's
    report (all are collected, not just the first). Returns how many requests were sent."""
    sent = 0

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case) -> None:
        nonlocal sent
        sent += 1
        try:
            call(case)
        except (AssertionError, BaseExceptionGroup) as exc:  # a FailureGroup is the second
            fail(str(exc)[:1500])

    run()
    return sent


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_admin_api_answers_every_generated_request_as_documented(live_app, backend, world):
    app, base = live_app
    services = app.extensions["yiwang"]
    admins = administrators(services)
    # Real objects for the path and query parameters that name one.
    known = {"client_id": world.third_party[0], "entity_id": world.sp,
             "person_id": find_person_by_username(services, world.username).id}
    doc = requests.get(f"{base}/admin/api/openapi.json",
                       headers={"Cookie": cookie(app, admins[0])}, timeout=10).json()
    # The session cookie and CSRF header are sent as an administrator's browser would: they are
    # not parameters to generate (nor to leave out, which would only test the 401).
    # A body over the 1 MiB limit is refused before it is read: 413 is a fine "no" too.
    config = SchemathesisConfig.from_dict({
        "generation": {"with-security-parameters": False},
        "checks": {"negative_data_rejection": {"expected-statuses": [
            *NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]}}})
    schema = schemathesis.openapi.from_dict(doc, config=config)
    sent: dict[str, int] = {}
    failures: list[str] = []
    with requests.Session() as http:
        for operation in (result.ok() for result in schema.get_all_operations()):
            raw = operation.definition.raw
            permission = raw.get("x-permission")
            headers = {"Cookie": cookie(app, holder(
                admins, permission and Permission(permission))), "X-CSRF-Token": CSRF}
            fixed = {p.name: known[p.name] for p in operation.path_parameters
                     if p.name in known}
            query = {"entity_id": known["entity_id"]} if operation.path == "/admin/api/saml" \
                else None
            # Without a parameter or a body there is nothing to break: positive cases only.
            breakable = raw.get("parameters") or raw.get("requestBody")
            for mode, count in ((GenerationMode.POSITIVE, POSITIVE),
                                (GenerationMode.NEGATIVE, NEGATIVE if breakable else 0)):
                if not count:
                    continue
                pinned = {"path_parameters": fixed, "query": query} if mode.is_positive else {}
                label = f"{operation.label} {mode.value}"
                call = partial(_call, base_url=base, session=http, headers=headers)
                sent[label] = _fuzz(operation.as_strategy(generation_mode=mode, **pinned), count,
                                    call, lambda text, label=label: failures.append(
                                        f"{label}: {text}"))
    total = sum(sent.values())
    print(f"schemathesis sent {total} requests in {len(sent)} runs on {backend}")
    assert total >= 20 * (POSITIVE + NEGATIVE) // 2
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:10])
