"""What the operations tests share: the metrics token, a scrape parsed with prometheus-client's
own parser, the CSRF token of a form."""

from __future__ import annotations

import re

from prometheus_client.parser import text_string_to_metric_families

TOKEN = "metrics-token-0123456789abcdef"  # noqa: S105 - a test's bearer token
PASSWORD = "correct horse battery"  # noqa: S105


def parse(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a scrape: (name, labels) -> value."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    """One sample's value, 0 when the series does not exist yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]
