"""Fault injection: toxiproxy on the platform's links, and a small client of its HTTP API.

Off by default: no proxy in the path. With `./platform up --faults` (or PLATFORM_FAULTS=on) the launcher starts
toxiproxy-server as the part `fault-proxy` (after Redis, before the services) with one proxy per link, each listening
on its own free port on 127.0.0.1, and tells the parts to go through it:

  link                  who goes through it                            variable rewritten
  auth-service          the gateway, to auth-service                   AUTH_SERVICE_URL (gateway only)
  notification-service  the gateway, to notification-service           NOTIFICATION_SERVICE_URL (gateway only)
  inference-bridge      the gateway, to inference-bridge               INFERENCE_SERVICE_URL (gateway only)
  reporting-bridge      the gateway, to reporting-bridge               REPORTING_SERVICE_URL (gateway only)
  redis                 every service and worker, to Redis             REDIS_URL
  postgres              auth-service, reporting-bridge and its worker  AUTH_DATABASE_URL, REPORTING_DATABASE_URL
                        (only when those name a PostgreSQL)

The launcher's own health probes and Redis itself stay direct. The proxies are written to a `-config` file that
toxiproxy-server reads when it starts, so a fault proxy that is restarted comes back with its links (without its
faults); the launcher checks through the API that every link is there before it starts the services.

toxiproxy works at the TCP level: latency delays every chunk of the answers, a cut refuses and drops connections,
and "errors" reset a share of the connections (`reset_peer`). toxiproxy draws that share per connection, not per
request: a client that keeps connections open (the gateway's connection pool, the Redis clients' connections)
fails on the connections drawn bad, which it then replaces, and keeps using the good ones; the share of failed
requests is therefore not the fraction asked for (docs/operations.md#fault-injection has what was measured).

Used by `./platform fault`, and by tests: `FaultProxy.of(settings)` finds the proxy of a running platform.
"""

from __future__ import annotations

import json
import os
import re
import signal
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .config import FAULT_PROXY, GATEWAY, SERVICE_URL_VARS, Part, Settings, free_port
from .console import fail

GATEWAY_LINKS = tuple(SERVICE_URL_VARS)  # auth-service, notification-service, inference-bridge, reporting-bridge
REDIS_LINK = "redis"
POSTGRES_LINK = "postgres"
DATABASE_VARS = {"AUTH_DATABASE_URL": "auth", "REPORTING_DATABASE_URL": "reporting"}
POSTGRES_URL = re.compile(r"^(jdbc:)?postgres(ql)?(\+\w+)?://", re.IGNORECASE)
LISTEN_HOST = "127.0.0.1"


@dataclass(frozen=True)
class Link:
    """One proxy: what users call it, where it listens, what it forwards to (host:port)."""

    name: str
    listen_port: int
    upstream: str

    @property
    def listen(self) -> str:
        return f"{LISTEN_HOST}:{self.listen_port}"


# -- which links, and what the parts are told ------------------------------------------------------------------------


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    """Host and port of a URL (a jdbc: URL too); fails on a URL no TCP proxy can stand in front of."""
    parts = urlsplit(url.removeprefix("jdbc:"))
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is no number, several hosts (host1:5432,host2:5432)
        host, port = None, None
    if not host:
        fail(f"cannot put the fault proxy in front of {redact(url)}: no single host:port in it")
    return host, port or default_port


def through_proxy(url: str, link: Link) -> str:
    """`url` with its host and port replaced by the link's listen address; user, password, path and query kept."""
    jdbc = url.lower().startswith("jdbc:")
    parts = urlsplit(url.removeprefix("jdbc:") if jdbc else url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{link.listen}" if userinfo else link.listen
    rewritten = urlunsplit(parts._replace(netloc=netloc))
    return "jdbc:" + rewritten if jdbc else rewritten


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^/:@]*):[^/@]*@", r"\1:***@", url)


def _link_port(settings: Settings, name: str) -> int:
    """A free port per link, chosen once per instance and kept with its ports (and so in the state file)."""
    key = f"{FAULT_PROXY.name}/{name}"
    if key not in settings.ports:
        settings.ports[key] = free_port()
    return settings.ports[key]


def postgres_urls(settings: Settings) -> dict[str, str]:
    """The database variables that name a PostgreSQL (none under a plain ./platform up: embedded H2 and SQLite)."""
    return {var: settings.env[var] for var in DATABASE_VARS if POSTGRES_URL.match(settings.env.get(var) or "")}


def _postgres_link_names(settings: Settings) -> dict[str, str]:
    """Database variable -> link name: `postgres` when both databases live on one server (the usual case),
    `postgres-auth` and `postgres-reporting` when on two (`postgres` then names both)."""
    urls = postgres_urls(settings)
    upstreams = {var: _host_port(url, 5432) for var, url in urls.items()}
    if len(set(upstreams.values())) <= 1:
        return {var: POSTGRES_LINK for var in urls}
    return {var: f"{POSTGRES_LINK}-{DATABASE_VARS[var]}" for var in urls}


def plan_links(settings: Settings) -> list[Link]:
    """Every link of this instance, in a stable order."""
    links = []
    for name in GATEWAY_LINKS:
        host, port = _host_port(settings.service_url(name), 80)
        links.append(Link(name, _link_port(settings, name), f"{host}:{port}"))
    host, port = _host_port(settings.redis_url, 6379)
    links.append(Link(REDIS_LINK, _link_port(settings, REDIS_LINK), f"{host}:{port}"))
    names = _postgres_link_names(settings)
    for var, url in postgres_urls(settings).items():
        if names[var] not in [link.name for link in links]:
            host, port = _host_port(url, 5432)
            links.append(Link(names[var], _link_port(settings, names[var]), f"{host}:{port}"))
    return links


def proxied_environment(settings: Settings, part: Part) -> dict[str, str]:
    """The variables `part` gets rewritten to go through the fault proxy (Settings.child_env applies them)."""
    if not part.is_service:
        return {}
    links = {link.name: link for link in plan_links(settings)}
    env = {"REDIS_URL": through_proxy(settings.redis_url, links[REDIS_LINK])}
    names = _postgres_link_names(settings)
    for var, url in postgres_urls(settings).items():
        env[var] = through_proxy(url, links[names[var]])
    if part is GATEWAY:
        for name, var in SERVICE_URL_VARS.items():
            env[var] = through_proxy(settings.service_url(name), links[name])
    return env


# -- the fault-proxy part ---------------------------------------------------------------------------------------------


def server_command(settings: Settings, executable: str) -> list[str]:
    """toxiproxy-server on the API port, with every link in its start-up configuration."""
    config = links_file(settings)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps([{"name": link.name, "listen": link.listen, "upstream": link.upstream,
                                   "enabled": True} for link in plan_links(settings)], indent=2) + "\n")
    return [executable, "-host", LISTEN_HOST, "-port", str(settings.ports[FAULT_PROXY.name]), "-config", str(config)]


def check_links(settings: Settings) -> None:
    """Every planned link exists and forwards where it should (toxiproxy only logs a link it could not create)."""
    proxy = FaultProxy(api_url(settings))
    present = {link.name: link for link in proxy.links()}
    for link in plan_links(settings):
        found = present.get(link.name)
        if found is None or found.listen != link.listen or found.upstream != link.upstream:
            fail(f"the fault proxy did not open link {link.name} on {link.listen} (to {link.upstream}); "
                 f"see {settings.logs_dir / (FAULT_PROXY.name + '.log')}")


def links_file(settings: Settings) -> Path:
    return settings.data_dir / FAULT_PROXY.name / "links.json"


def api_url(settings: Settings) -> str:
    return f"http://{LISTEN_HOST}:{settings.ports[FAULT_PROXY.name]}"


# -- the client ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Toxic:
    name: str
    type: str
    stream: str  # "upstream" (towards the service) or "downstream" (its answers)
    toxicity: float  # share of connections it applies to
    attributes: dict

    def describe(self) -> str:
        a = self.attributes
        if self.type == "latency":
            what = f"latency {a.get('latency', 0)} ms" + (f" ±{a['jitter']} ms" if a.get("jitter") else "")
        elif self.type == "reset_peer":
            what = "errors (connection reset)"
        else:
            what = f"{self.type} {a}"
        share = "" if self.toxicity >= 1 else f" on {self.toxicity:g} of connections"
        return f"{what}{share} ({self.stream})"


@dataclass(frozen=True)
class LinkState:
    name: str
    listen: str
    upstream: str
    enabled: bool
    toxics: tuple[Toxic, ...]


class FaultProxyError(Exception):
    """The fault proxy refused a request (`status`, its HTTP status), or is not there (status 0)."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class FaultProxy:
    """A client of toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api).

    Every method that takes a link also accepts a group name: `postgres` names `postgres-auth` and
    `postgres-reporting` when the two databases live on two servers."""

    LATENCY = "latency"
    ERRORS = "errors"

    def __init__(self, api_url: str, timeout: float = 5.0):
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

    @classmethod
    def of(cls, settings: Settings) -> "FaultProxy":
        """The fault proxy of the platform running with these settings (its state file); fails with what to do when
        the platform is not running, or runs without faults."""
        from .supervisor import Supervisor  # the supervisor starts the fault proxy: it imports this module

        supervisor = Supervisor(settings)
        if not supervisor.load_state() or not supervisor.any_alive():
            fail(f"the platform is not running (no live state in {settings.run_dir}): "
                 "start it with ./platform up --faults")
        if FAULT_PROXY.name not in supervisor.running:
            fail("the platform runs without the fault proxy: stop it (./platform down) and start it with "
                 "./platform up --faults")
        if not supervisor.alive(FAULT_PROXY.name):
            fail(f"the fault proxy (pid {supervisor.running[FAULT_PROXY.name].pid}) is not running: see "
                 f"{settings.logs_dir / (FAULT_PROXY.name + '.log')}")
        return cls(api_url(settings))

    # -- reading

    def version(self) -> str:
        return str(self._request("GET", "/version"))

    def links(self) -> list[LinkState]:
        proxies = self._request("GET", "/proxies")
        return [LinkState(p["name"], p["listen"], p["upstream"], p["enabled"],
                          tuple(Toxic(t["name"], t["type"], t["stream"], t["toxicity"], t["attributes"])
                                for t in p.get("toxics", [])))
                for p in sorted(proxies.values(), key=lambda p: p["name"])]

    def resolve(self, link: str) -> list[str]:
        """The proxies a link name stands for; FaultProxyError (listing the links) when none."""
        names = [state.name for state in self.links()]
        matching = [n for n in names if n == link] or [n for n in names if n.startswith(link + "-")]
        if not matching:
            raise FaultProxyError(f"no link '{link}'; links: {', '.join(names)}")
        return matching

    # -- faults

    def add_latency(self, link: str, ms: int, jitter_ms: int = 0) -> None:
        """Every chunk of the answers on the link is delayed by `ms` (± `jitter_ms`); replaces an earlier latency."""
        if ms < 0 or jitter_ms < 0:
            raise FaultProxyError("latency and jitter are milliseconds, 0 or more")
        for name in self.resolve(link):
            self._set_toxic(name, self.LATENCY, "latency", "downstream", 1.0, {"latency": ms, "jitter": jitter_ms})

    def add_errors(self, link: str, fraction: float) -> None:
        """A share `fraction` of the connections on the link are reset as the client sends on them, so the
        request never reaches the service (`reset_peer` upstream). Drawn per connection: see the module's note."""
        if not 0.0 < fraction <= 1.0:
            raise FaultProxyError(f"the fraction of connections to reset must be above 0 and at most 1, got {fraction}")
        for name in self.resolve(link):
            self._set_toxic(name, self.ERRORS, "reset_peer", "upstream", fraction, {"timeout": 0})

    def cut(self, link: str) -> None:
        """The link stops listening and drops its open connections: clients see connections refused."""
        for name in self.resolve(link):
            self._request("POST", f"/proxies/{name}", {"enabled": False})

    def restore(self, link: str) -> None:
        for name in self.resolve(link):
            self._request("POST", f"/proxies/{name}", {"enabled": True})

    def clear(self) -> None:
        """Every toxic removed, every link enabled (toxiproxy's POST /reset)."""
        self._request("POST", "/reset")

    # -- the API

    def _set_toxic(self, proxy: str, name: str, kind: str, stream: str, toxicity: float, attributes: dict) -> None:
        body = {"name": name, "type": kind, "stream": stream, "toxicity": toxicity, "attributes": attributes}
        try:
            self._request("POST", f"/proxies/{proxy}/toxics", body)
        except FaultProxyError as e:
            if e.status != 409:  # 409 Conflict: a toxic of that name is there
                raise
            self._request("POST", f"/proxies/{proxy}/toxics/{name}", body)  # already there: new values

    def _request(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace").strip()
            raise FaultProxyError(f"{method} {path}: HTTP {e.code} {detail}", e.code) from None
        except OSError as e:
            reason = getattr(e, "reason", e)
            raise FaultProxyError(f"the fault proxy at {self.api_url} does not answer ({reason})") from None
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text.decode(errors="replace").strip()


# -- stopping and killing parts ---------------------------------------------------------------------------------------


def signal_part(settings: Settings, name: str, sig: int) -> int:
    """Sends `sig` to a part of the running platform (its whole process group, as the supervisor does); its pid."""
    from .supervisor import Supervisor

    supervisor = Supervisor(settings)
    if not supervisor.load_state():
        fail(f"the platform is not running (no state in {settings.run_dir})")
    if name not in supervisor.running:
        fail(f"no part '{name}'; parts: {', '.join(supervisor.running)}")
    if not supervisor.alive(name):
        fail(f"{name} is not running")
    pid = supervisor.running[name].pid
    os.killpg(pid, sig)
    return pid


def stop_part(settings: Settings, name: str) -> int:
    """SIGTERM: the part shuts down gracefully."""
    return signal_part(settings, name, signal.SIGTERM)


def kill_part(settings: Settings, name: str) -> int:
    """SIGKILL: the part dies at once, as in a crash."""
    return signal_part(settings, name, signal.SIGKILL)
