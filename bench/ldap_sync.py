"""Staff directory sync benchmark: a real slapd filled with generated staff entries (and a few
hundred groups), then a full sync and an incremental sync of ``--changes`` modified entries,
each next to a bare paged search of the same entries (the physical limit of reading them).

    .venv/bin/python bench/ldap_sync.py [--entries 100000] [--changes 1000] [--database URL]

slapd runs in a temp dir on a free port with a fast mdb (``dbnosync``); entries are loaded
with ``slapadd -q`` from generated LDIF; changes are one ldapmodify of ``--changes`` entries.
The database is a fresh SQLite file unless ``--database`` names a (migrated or empty) one.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import machine

from federation.directories import DirectorySpec, add_directory  # noqa: E402
from federation.ldap.config import LdapConfig  # noqa: E402
from federation.ldap.connection import open_bound  # noqa: E402
from federation.ldap.search import iter_pages  # noqa: E402
from federation.sync import sync_directory  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from idp.services import Services  # noqa: E402
from idp.settings import Settings  # noqa: E402

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=bench,dc=gov,dc=cn"
ROOT_PASSWORD = "bench-root-9"  # noqa: S105 - a throwaway benchmark directory
READER_PASSWORD = "bench-reader-9"  # noqa: S105
GROUPS = 300
PAGE = 1000




def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def conf(folder: Path) -> str:
    return f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
sizelimit unlimited
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
database mdb
maxsize 4294967296
dbnosync
suffix "{SUFFIX}"
rootdn "cn=admin,{SUFFIX}"
rootpw {ROOT_PASSWORD}
directory {folder}/db
index objectClass eq
index uid eq
index modifyTimestamp eq
"""


def ldif(entries: int) -> str:
    parts = [f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: bench\n"
             f"o: bench\n",
             f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n",
             f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n",
             f"dn: cn=reader,{SUFFIX}\nobjectClass: person\ncn: reader\nsn: reader\n"
             f"userPassword: {READER_PASSWORD}\n"]
    parts += [f"dn: uid=u{i:06d},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\n"
              f"uid: u{i:06d}\ncn: 职员{i}\nsn: 职\ntelephoneNumber: 139{i:08d}\n"
              f"mail: u{i:06d}@bench.gov.cn\nemployeeNumber: E{i:06d}\n"
              for i in range(entries)]
    for g in range(GROUPS):  # each person in one group
        members = "".join(f"member: uid=u{i:06d},ou=people,{SUFFIX}\n"
                          for i in range(g, entries, GROUPS))
        parts.append(f"dn: cn=g{g:03d},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\n"
                     f"cn: g{g:03d}\n{members or f'member: cn=reader,{SUFFIX}{chr(10)}'}")
    return "\n".join(parts)


def bare_search(config: LdapConfig) -> tuple[int, float]:
    conn = open_bound(config, config.bind_dn, config.bind_password)
    started, count = time.perf_counter(), 0
    wanted = [*config.mapping.values(), "entryUUID", "modifyTimestamp"]
    for page in iter_pages(conn, config.user_base, config.user_filter, wanted, page_size=PAGE):
        count += len(page)
    seconds = time.perf_counter() - started
    conn.unbind_s()
    return count, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ldap-sync-bench-"))
    (folder / "db").mkdir()
    (folder / "slapd.conf").write_text(conf(folder))
    print(f"machine: {machine()}; {args.entries:,} entries, {GROUPS} groups, "
          f"database {'SQLite' if not args.database else args.database.split(':')[0]}")
    started = time.perf_counter()
    (folder / "data.ldif").write_text(ldif(args.entries))
    subprocess.run([SLAPD.replace("slapd", "slapadd"), "-q", "-f", str(folder / "slapd.conf"),
                    "-l", str(folder / "data.ldif")], check=True, capture_output=True)
    print(f"load: {time.perf_counter() - started:.1f} s (LDIF + slapadd -q)")
    url = f"ldap://127.0.0.1:{free_port()}/"
    slapd = subprocess.Popen([SLAPD, "-f", str(folder / "slapd.conf"), "-h", url, "-d", "0"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "IDP_DATA_DIR": str(folder),
           "IDP_KEK": base64.b64encode(secrets.token_bytes(32)).decode(),
           "IDP_DATABASE_URL": args.database or f"sqlite:///{folder / 'yiwang.db'}",
           "IDP_REDIS_URL": "", "IDP_STORE_PREFIX": "bench:"}
    services = None
    try:
        time.sleep(0.5)
        services = Services.build(Settings.from_env(env))
        services.db.upgrade()
        spec = DirectorySpec(name="bench", department="bench", urls=[url],
                             bind_dn=f"cn=reader,{SUFFIX}", bind_password=READER_PASSWORD,
                             user_base=f"ou=people,{SUFFIX}",
                             user_filter="(objectClass=inetOrgPerson)",
                             group_base=f"ou=groups,{SUFFIX}", group_roles={"g000": "clerk"},
                             timeout=30)
        row = add_directory(services, spec, SYSTEM_ACTOR)
        config = LdapConfig.from_row(row.config, READER_PASSWORD)
        count, bare = bare_search(config)
        full = sync_directory(services, "bench", actor=SYSTEM_ACTOR, full=True, page_size=PAGE)
        report("full", full.entries, full.seconds, count, bare, full)
        # The first incremental run also re-reads every entry stamped in the last second the
        # full run saw: after a bulk slapadd that second holds tens of thousands of entries.
        # The second is the steady state: only its changes and the last second before them.
        for label, name in (("incremental after load", "改名"), ("incremental", "再改")):
            time.sleep(1.1)  # modifyTimestamp has one-second resolution
            modify(url, args.entries, args.changes, name)
            result = sync_directory(services, "bench", actor=SYSTEM_ACTOR, page_size=PAGE)
            report(label, result.entries, result.seconds, count, bare, result)
        unchanged = sync_directory(services, "bench", actor=SYSTEM_ACTOR, full=True,
                                   page_size=PAGE)
        report("full, nothing changed", unchanged.entries, unchanged.seconds, count, bare,
               unchanged)
    finally:
        if services is not None:
            services.db.dispose()
        slapd.terminate()
        slapd.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def modify(url: str, entries: int, changes: int, name: str) -> None:
    """``changes`` entries spread over the directory get a new cn, in one ldapmodify."""
    ldif = "".join(f"dn: uid=u{i:06d},ou=people,{SUFFIX}\nchangetype: modify\n"
                   f"replace: cn\ncn: {name}{i}\n\n"
                   for i in range(0, entries, max(1, entries // changes)))
    subprocess.run(["ldapmodify", "-x", "-H", url, "-D", f"cn=admin,{SUFFIX}", "-w",
                    ROOT_PASSWORD], input=ldif.encode(), check=True, capture_output=True)


def report(what: str, entries: int, seconds: float, count: int, bare: float, result) -> None:
    rate, limit = entries / seconds, count / bare
    print(f"{what:24s} {entries:>8,} entries in {seconds:7.2f} s = {rate:>9,.0f} entries/s "
          f"(added {result.added:,}, changed {result.changed:,}, disabled {result.disabled:,}); "
          f"bare paged search {limit:,.0f} entries/s; ratio {rate / limit:.2f}")


if __name__ == "__main__":
    main()
