"""Start the demo: the IdP and the two department sites, each on its own loopback port."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from idp.demo.registers import banner_lines, seed_registers
from idp.demo.rp import create_site
from idp.demo.seed import DemoPerson, seed_people
from idp.demo.sites import SITES, Site, register_site
from idp.settings import Settings

HOST = "127.0.0.1"


@dataclass
class Demo:
    issuer: str
    idp: Flask
    sites: list[Site]
    site_apps: list[Flask]
    people: tuple[DemoPerson, ...]
    _servers: list[BaseWSGIServer] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> None:
        # shutdown() waits up to one poll interval (0.5 s): stop the servers side by side.
        stoppers = [threading.Thread(target=s.shutdown) for s in self._servers]
        for thread in stoppers:
            thread.start()
        for thread in [*stoppers, *self._threads]:
            thread.join(timeout=5)
        for server in self._servers:
            server.server_close()
        self.idp.extensions["yiwang"].db.dispose()


def _server(port: int) -> BaseWSGIServer:
    return make_server(HOST, port, None, threaded=True)


def start_demo(settings: Settings, port: int = 8000) -> Demo:
    """Serve the IdP on port and the sites on the next ports (all ephemeral when port is 0),
    in threads; seed the people and register the sites first. ``stop()`` ends it all."""
    from idp.app import create_app

    servers = [_server(port + i if port else 0) for i in range(1 + len(SITES))]
    urls = [f"http://{HOST}:{s.server_port}" for s in servers]
    issuer = urls[0]
    try:
        idp = create_app(replace(settings, issuer=issuer))
        services = idp.extensions["yiwang"]
        people = seed_people(services)
        seed_registers(services)
        sites = [register_site(services, spec, url)
                 for spec, url in zip(SITES, urls[1:], strict=True)]
        site_apps = [create_site(s, issuer, [o for o in sites if o is not s]) for s in sites]
    except BaseException:
        for server in servers:
            server.server_close()
        raise
    demo = Demo(issuer, idp, sites, site_apps, people, servers)
    for server, app in zip(servers, [idp, *site_apps], strict=True):
        server.app = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        demo._threads.append(thread)
    return demo


def banner(demo: Demo) -> str:
    lines = ["", "一网演示 / Yiwang demo", f"  统一身份认证 IdP:  {demo.issuer}/"]
    lines += [f"  {s.spec.name}:  {s.base_url}/   (client_id {s.client_id})" for s in demo.sites]
    lines += ["", "  演示账号 / demo accounts (username / password):"]
    lines += [f"    {p.username:9} {p.password:20} {p.name} — {p.role}" for p in demo.people]
    lines += ["",
              f"  1. 打开 / open {demo.sites[0].base_url}/ and log in (个人办事 or 法人办事)",
              f"  2. 打开 / open {demo.sites[1].base_url}/ : 一键登录, no password asked",
              "  3. 退出 / log out at either site: both sites are signed out (back-channel logout)"]
    lines += banner_lines(demo.issuer, demo.idp.extensions["yiwang"].settings.data_dir)
    lines += ["", "  Ctrl-C 停止 / stops the demo", ""]
    return "\n".join(lines)
