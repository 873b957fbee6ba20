"""Real slapd servers for the staff-directory tests: configuration (TLS with a throwaway CA,
ACLs that let only bound users search), entries loaded with slapadd, start and stop by PID.
A module of its own (not the conftest), so tests import its constants by full name."""

from __future__ import annotations

import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.federation_ldap.tls_certs import write_ca_and_server

SLAPD = "/usr/sbin/slapd"
SERVICE_PASSWORD = "reader-secret-9"  # noqa: S105 - a test fixture's service account
ROOT_PASSWORD = "root-secret-9"  # noqa: S105
STAFF_PASSWORD = "Staff-pass-1"  # noqa: S105
DEPARTMENTS = {"gongan": "省公安厅", "shuiwu": "省税务局"}
IDLE_TIMEOUT = 1  # seconds before slapd drops an idle connection (a pooled one too)
ALL_STAFF = 7  # people under ou=people in gongan (paged searches read them 2 by 2)


@dataclass
class Slapd:
    name: str
    suffix: str
    urls: list[str]
    process: subprocess.Popen
    ldaps_url: str = ""
    ca_file: Path | None = None  # the CA that signed its certificate (127.0.0.1)
    other_ca_file: Path | None = None  # a CA that did not

    @property
    def service_dn(self) -> str:
        return f"cn=idp-reader,ou=system,{self.suffix}"

    @property
    def root_dn(self) -> str:
        return f"cn=admin,{self.suffix}"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGCONT)  # a test may have left it stopped
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


def _conf(folder: Path, suffix: str) -> str:
    ca, cert, key = write_ca_and_server(folder)
    write_ca_and_server(folder, "other-")  # a CA that did not sign the server: refused
    return f"""
TLSCACertificateFile {ca}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
sizelimit 500
idletimeout {IDLE_TIMEOUT}
access to attrs=userPassword
    by self write
    by anonymous auth
    by * none
access to *
    by users read
    by * none
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
rootpw {ROOT_PASSWORD}
directory {folder}/db
"""


def _person(uid: str, cn: str, suffix: str, phone: str, number: str) -> str:
    return f"""dn: uid={uid},ou=people,{suffix}
objectClass: inetOrgPerson
uid: {uid}
cn: {cn}
sn: {cn[0]}
telephoneNumber: {phone}
mail: {uid}@{suffix.split(',')[0][3:]}.gov.cn
employeeNumber: {number}
userPassword: {STAFF_PASSWORD}
"""


def _ldif(name: str, suffix: str) -> str:
    top = suffix.split(",")[0][3:]
    entries = [
        f"dn: {suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: {top}\no: {name}\n",
        f"dn: ou=people,{suffix}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{suffix}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: ou=system,{suffix}\nobjectClass: organizationalUnit\nou: system\n",
        f"dn: cn=idp-reader,ou=system,{suffix}\nobjectClass: person\ncn: idp-reader\n"
        f"sn: reader\nuserPassword: {SERVICE_PASSWORD}\n",
        # Not a person: the user filter keeps it out even though it has a uid.
        f"dn: cn=printer,ou=people,{suffix}\nobjectClass: device\nobjectClass: uidObject\n"
        f"cn: printer\nuid: printer\n",
    ]
    people = [("zhangsan", "张三", "13800000001", "E001"), ("lisi", "李四", "13800000002", "E002"),
              ("wangwu", "王五", "13800000003", "E003"), ("zhaoliu", "赵六", "13800000004", "E004"),
              ("sunqi", "孙七", "13800000005", "E005"), ("zhouba", "周八", "13800000006", "E006"),
              ("wujiu", "吴九", "13800000007", "E007")]
    entries += [_person(uid, cn, suffix, phone, number) for uid, cn, phone, number in people]
    entries += [
        f"dn: cn=leaders,ou=groups,{suffix}\nobjectClass: groupOfNames\ncn: leaders\n"
        f"member: uid=zhangsan,ou=people,{suffix}\n",
        f"dn: cn=clerks,ou=groups,{suffix}\nobjectClass: groupOfNames\ncn: clerks\n"
        f"member: uid=zhangsan,ou=people,{suffix}\nmember: uid=lisi,ou=people,{suffix}\n",
    ]
    return "\n".join(entries)


def start(root: Path, name: str, ports: list[int], ldaps_port: int) -> Slapd:
    suffix = f"dc={name},dc=gov,dc=cn"
    folder = root / name
    (folder / "db").mkdir(parents=True)
    (folder / "slapd.conf").write_text(_conf(folder, suffix))
    (folder / "data.ldif").write_text(_ldif(name, suffix))
    subprocess.run([SLAPD.replace("slapd", "slapadd"), "-f", str(folder / "slapd.conf"),
                    "-l", str(folder / "data.ldif")], check=True, capture_output=True)
    urls = [f"ldap://127.0.0.1:{port}/" for port in ports]
    ldaps = f"ldaps://127.0.0.1:{ldaps_port}/"
    process = subprocess.Popen([SLAPD, "-f", str(folder / "slapd.conf"), "-h",
                                " ".join([*urls, ldaps]), "-d", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    slapd = Slapd(name, suffix, urls, process, ldaps, folder / "ca.pem", folder / "other-ca.pem")
    deadline = time.monotonic() + 10
    while subprocess.run(["ldapsearch", "-x", "-H", urls[0], "-b", "", "-s", "base"],
                         capture_output=True).returncode != 0:
        if process.poll() is not None or time.monotonic() > deadline:
            slapd.stop()
            raise AssertionError(f"slapd {name} did not start: {process.stderr.read()}")
        time.sleep(0.05)
    return slapd
