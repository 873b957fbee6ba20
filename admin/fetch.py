"""Fetching SP metadata from a URL for the console: http(s) only, bounded size and time, and
never from an address inside our own network (server-side request forgery, OWASP SSRF
Prevention Cheat Sheet).

The host name is resolved once; if any of its addresses is not a public unicast one the fetch
is refused, otherwise we connect to exactly those addresses (no second lookup, so no DNS
rebinding between check and connection) while sending the URL's own Host header and checking
the TLS certificate against the URL's host name. Each of at most MAX_REDIRECTS redirects is
checked the same way. ``allow_private`` (IDP_METADATA_FETCH_ALLOW_PRIVATE) admits private,
loopback and shared (100.64/10) addresses for intranets; link-local (169.254.169.254 is the
cloud's instance metadata), multicast and reserved addresses are refused even then. Proxies
from the environment are not used: the vetted address is the one connected to.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urljoin, urlsplit

from admin.errors import AdminError
from idp.saml.xml import MAX_METADATA_BYTES

TIMEOUT_SECONDS = 5
MAX_REDIRECTS = 3
_REDIRECTS = {301, 302, 303, 307, 308}
_NOT_HTTP = "元数据地址必须是 http(s) URL / the metadata URL must be an http(s) URL"


def fetch_metadata(url: str, *, allow_private: bool = False,
                   limit: int = MAX_METADATA_BYTES) -> bytes:
    """The document at url; AdminError ``fetch_failed`` on any problem (message says which)."""
    url = (url or "").strip()
    for _ in range(MAX_REDIRECTS + 1):
        connection, target = _connection(url, allow_private)
        try:
            connection.request("GET", target, headers={"Accept": "application/xml"})
            with connection.getresponse() as response:
                location = response.getheader("Location")
                if response.status in _REDIRECTS and location:
                    url = _follow(url, location)
                    continue
                if not 200 <= response.status < 300:
                    raise AdminError("fetch_failed", f"无法获取元数据 / fetch failed: HTTP "
                                     f"{response.status}")
                body = response.read(limit + 1)
        except (OSError, http.client.HTTPException) as exc:
            raise AdminError("fetch_failed", f"无法获取元数据 / fetch failed: "
                             f"{type(exc).__name__}") from exc
        finally:
            connection.close()
        if len(body) > limit:
            raise AdminError("fetch_failed", f"元数据过大 / metadata larger than {limit} bytes")
        return body
    raise AdminError("fetch_failed", f"重定向超过 {MAX_REDIRECTS} 次 / more than "
                     f"{MAX_REDIRECTS} redirects")


def _follow(url: str, location: str) -> str:
    try:
        return urljoin(url, location)
    except ValueError:  # a Location of "http://[": what the server sent is not a URL
        raise AdminError("fetch_failed", _NOT_HTTP) from None


def _connection(url: str, allow_private: bool) -> tuple[http.client.HTTPConnection, str]:
    """A connection pinned to url's vetted addresses, and the request target."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "http://[" (an unclosed IPv6 literal); a port not a number or too big
        raise AdminError("fetch_failed", _NOT_HTTP) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AdminError("fetch_failed", _NOT_HTTP)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    port = port or kind.default_port
    addresses = _vetted_addresses(parts.hostname, port, allow_private)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return kind(parts.hostname, port, addresses), target


def _vetted_addresses(host: str, port: int, allow_private: bool) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise AdminError("fetch_failed", "无法解析元数据地址的主机名 / the metadata URL's host "
                         "name could not be resolved") from exc
    addresses = list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))
    # Every address, not just the first: a name may mix a public and a private address.
    if any(_forbidden(address, allow_private) for address in addresses):
        raise AdminError("fetch_failed", "元数据地址指向内网、本机或保留地址 / the metadata "
                         "URL points to a private, loopback or reserved address")
    return addresses


def _forbidden(address: str, allow_private: bool) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.ipv4_mapped or ip.sixtofour or ip  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return True
    # is_global is false for loopback, RFC 1918, ULA, CGNAT and documentation ranges.
    return not (ip.is_global or allow_private)


def _connect(addresses: list[str], port: int) -> socket.socket:
    error = OSError("no address")
    for address in addresses:  # in getaddrinfo's order, as socket.create_connection does
        try:
            return socket.create_connection((address, port), TIMEOUT_SECONDS)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to addresses vetted beforehand instead of resolving ``host`` again."""

    def __init__(self, host: str, port: int, addresses: list[str]) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port)


class _PinnedHTTPS(_PinnedHTTP):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        # The certificate must name the URL's host, which is also sent as SNI.
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)
