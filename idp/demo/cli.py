"""``idp demo``: sample people and two department sites roaming on one login."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from idp.commands import CliError
from idp.settings import Settings


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("demo-instance"), show_default=True,
              help="Folder for the demo's own database and generated KEK.")
@click.option("--port", default=8000, show_default=True,
              help="IdP port; the two sites take the next two.")
def demo(data_dir: Path, port: int) -> None:
    """Run the IdP and two sample department sites on 127.0.0.1 (not for production)."""
    try:
        import requests  # noqa: F401 - Authlib's Flask client (the demo sites) needs it
    except ImportError as exc:
        raise CliError("idp demo needs the demo extra: pip install 'yiwang[demo]'") from exc
    from idp.demo.runner import banner, start_demo

    # The demo never uses the IDP_* environment: it must not seed a real deployment's database.
    running = start_demo(Settings(data_dir=data_dir), port=port)
    click.echo(banner(running))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        running.stop()
