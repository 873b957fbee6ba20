"""What every ``idp`` sub-command shares: refusals (``CliError``), output (``emit``), the app's
Services (``with_services``), and the root group that turns refusals into JSON for ``--json``.

Each package's ``cli.py`` imports these from here, below itself; ``idp/cli.py`` (the entry
point) imports the packages' groups and wires them, so nothing imports back up. This module
knows only click and the settings: the entry point hands it the way to build Services
(``Wiring``), which needs every package.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import click

from idp.settings import Settings, SettingsError

log = logging.getLogger(__name__)


class CliError(click.ClickException):
    """A refusal: a one-line reason, exit status 1, nothing written. ``code`` names it for
    ``--json`` (``{"error": code, "message": description}``)."""

    def __init__(self, message: str, *, code: str = "refused",
                 description: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.description = description or message

    @classmethod
    def coded(cls, code: str, description: str) -> CliError:
        """A refusal named by a domain error code; the text reads ``code: description``."""
        return cls(f"{code}: {description}", code=code, description=description)


class JsonRefusal(click.ClickException):
    """What a refusal becomes under ``--json``: one JSON object on stdout, exit status 1."""

    exit_code = 1

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def show(self, file: Any = None) -> None:
        # stdout, where the caller reads the command's JSON; stderr stays for logs.
        click.echo(json.dumps({"error": self.code, "message": self.message},
                              ensure_ascii=False))


@dataclass(frozen=True)
class Wiring:
    """What the entry point gives every command through the click context: how to build the
    app's Services from the settings (``idp.services.Services.build``)."""

    build_services: Callable[[Settings], Any]


def with_services(command: Callable) -> Callable:
    """Give a command the app's Services (database migrated, KEK checked) as first argument."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        wiring = click.get_current_context().find_object(Wiring)
        if wiring is None:  # a group run without the `idp` entry point
            raise RuntimeError("run the command through the `idp` group (idp.cli)")
        try:
            services = wiring.build_services(Settings.from_env())
        except SettingsError as exc:
            raise CliError(str(exc), code="invalid_settings") from exc
        try:
            return command(services, *args, **kwargs)
        finally:
            services.db.dispose()

    return wrapper


def rfc3339(moment: datetime | date) -> str:
    """A time as every ``--json`` output writes it: RFC 3339 in UTC with its offset
    (``2026-12-06T23:58:07Z``); a naive time is a stored UTC one (SQLite keeps no zone).
    A date stays a full-date (``2026-12-06``)."""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _json_value(value: Any) -> Any:
    if isinstance(value, date):  # datetime included
        return rfc3339(value)
    return str(value)


def emit(data: object, as_json: bool, text: str | None = None) -> None:
    """Print data as JSON for --json (times as RFC 3339), otherwise the human text."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value))
    else:
        click.echo(text if text is not None else data)


class JsonAwareGroup(click.Group):
    """The root group. When ``--json`` is among the arguments (before a ``--``), every
    refusal of every command, usage errors included, is printed as
    ``{"error": "<code>", "message": "..."}`` on stdout with exit status 1, instead of
    ``Error: ...`` on stderr: a script reading JSON always gets JSON."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        as_json = wants_json(args)
        with json_refusals(as_json):
            ctx = super().make_context(info_name, args, parent, **extra)
        ctx.meta["idp.json_refusals"] = as_json
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        with json_refusals(ctx.meta.get("idp.json_refusals", False)):
            return super().invoke(ctx)


def wants_json(args: Sequence[str]) -> bool:
    options = list(args)
    if "--" in options:
        options = options[: options.index("--")]
    return "--json" in options


@contextmanager
def json_refusals(enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    try:
        yield
    except (JsonRefusal, click.exceptions.Exit):
        raise
    except CliError as error:
        raise JsonRefusal(error.code, error.description) from error
    except click.UsageError as error:
        raise JsonRefusal("usage_error", error.format_message()) from error
    except click.ClickException as error:
        raise JsonRefusal("refused", error.format_message()) from error
    except click.Abort as error:
        raise JsonRefusal("aborted", "aborted") from error
    except Exception as error:
        # The detail goes to the log (stderr), never into the answer (STYLE §11).
        log.exception("unexpected error")
        raise JsonRefusal("internal_error", "unexpected error; see the log") from error
