"""What a SAML upstream login costs us, in process: ``start`` (an AuthnRequest signed with our
SAML key) and ``finish`` (pysaml2 checking the upstream's signed Response: it runs the xmlsec1
program for the signature, then the replay cache write in the Store).

    .venv/bin/python bench/saml_upstream.py [--logins 40]

The upstream is the one ``tests/federation_saml_upstream`` builds in process (its own RSA key
and metadata). Prints milliseconds of CPU per call (this process and, for ``finish``, the
xmlsec1 children), wall time, and checks per CPU-second, with the machine.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from federation.saml.source import SamlSource  # noqa: E402
from idp.app import create_app  # noqa: E402
from idp.db import Database  # noqa: E402
from idp.settings import Settings  # noqa: E402
from tests.federation_saml_upstream import test_saml_source_checks as upstream_kit  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=40)
    logins = parser.parse_args().logins
    warnings.simplefilter("ignore")  # pysaml2's deprecations and its temporary files
    folder = Path(tempfile.mkdtemp(prefix="saml-upstream-bench-"))
    url = f"sqlite:///{folder / 'yiwang.db'}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    settings = Settings(issuer=upstream_kit.ISSUER, data_dir=folder, database_url=url,
                        store_prefix="bench-saml-upstream:",
                        kek=base64.b64encode(os.urandom(32)).decode(),
                        argon2_memory_kib=1024, argon2_time_cost=1)
    services = create_app(settings).extensions["yiwang"]
    upstream = upstream_kit.Upstream(folder)
    source = SamlSource("prov", {
        "metadata": upstream.metadata, "level": 2, "mapping": {"id_number": upstream_kit.ID_CARD},
        "signing": services.signing_keys.saml_signing, "issuer": upstream_kit.ISSUER,
        "store": services.store})
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}, SQLite, SQL Store")

    cpu, wall = time.process_time(), time.perf_counter()
    kept = [dict(source.start(callback_url=upstream_kit.ACS).keep) for _ in range(logins)]
    start_cpu, start_wall = time.process_time() - cpu, time.perf_counter() - wall
    answers = [upstream.response(k["request_id"]) for k in kept]

    cpu, wall, children = time.process_time(), time.perf_counter(), _children_cpu()
    for keep, answer in zip(kept, answers, strict=True):
        source.finish(callback_url=upstream_kit.ACS, params={"SAMLResponse": answer}, kept=keep)
    finish_cpu, finish_wall = time.process_time() - cpu, time.perf_counter() - wall
    xmlsec = _children_cpu() - children

    print(f"start:  {start_cpu / logins * 1000:.1f} ms CPU, {start_wall / logins * 1000:.1f} ms "
          f"wall per signed AuthnRequest")
    print(f"finish: {finish_cpu / logins * 1000:.1f} ms CPU here + {xmlsec / logins * 1000:.1f} "
          f"ms CPU in xmlsec1, {finish_wall / logins * 1000:.1f} ms wall per Response; "
          f"{logins / (finish_cpu + xmlsec):.0f} checks per CPU-second")


if __name__ == "__main__":
    main()
