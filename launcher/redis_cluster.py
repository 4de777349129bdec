"""A Redis Cluster of three masters on loopback ports, started by the test tooling: what the platform's Redis Cluster
configuration (REDIS_CLUSTER_NODES) is tested against (the `interop` and `cluster` suites of `./platform test`).

It is formed as `redis-cli --cluster create … --cluster-replicas 0` forms one: each master takes a third of the 16384
hash slots (CLUSTER ADDSLOTS), the others meet the first (CLUSTER MEET), and the cluster is up once every node reports
cluster_state:ok. The commands go over a few lines of RESP rather than through redis-cli: the launcher is standard
library only, and the Redis 6.2 bundled for machines without a redis-server (build.bundled_redis_server) comes without
redis-cli.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

from .config import Part, clean_environment, free_port, port_in_use
from .console import fail, step
from .health import redis_ping
from .supervisor import Supervisor

HASH_SLOTS = 16384
MASTERS = 3
FORM_TIMEOUT_SECONDS = 30.0
BUS_PORT_OFFSET = 10000  # a cluster node also listens on its port + 10000 for the other nodes (the cluster bus)


class RedisCommandError(Exception):
    """Redis answered an error reply."""


def redis_command(port: int, *args: object, timeout: float = 5.0) -> str:
    """One command to the Redis on a loopback port; its reply as text (a simple or bulk string, an integer)."""
    words = [str(a).encode() for a in args]
    request = b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        reply = connection.makefile("rb")
        line = reply.readline().rstrip(b"\r\n")
        kind, rest = line[:1], line[1:].decode()
        if kind == b"-":
            raise RedisCommandError(rest)
        if kind == b"$":
            length = int(rest)
            return "" if length < 0 else reply.read(length + 2)[:-2].decode()
        return rest


def free_node_port() -> int:
    """A free port whose cluster bus port (+10000, so at most 55535) is free too."""
    while True:
        port = free_port()
        if port + BUS_PORT_OFFSET <= 65535 and not port_in_use(port + BUS_PORT_OFFSET):
            return port


def slot_ranges(masters: int = MASTERS) -> list[range]:
    """The hash slots of each master: consecutive thirds, as redis-cli --cluster create splits them."""
    return [range(i * HASH_SLOTS // masters, (i + 1) * HASH_SLOTS // masters) for i in range(masters)]


class RedisCluster:
    """Three cluster-enabled redis-servers under `supervisor` (stopped with its other processes), data in `work_dir`."""

    def __init__(self, supervisor: Supervisor, work_dir: Path, redis_server: str):
        self.supervisor = supervisor
        self.work_dir = work_dir
        self.redis_server = redis_server
        self.ports = [free_node_port() for _ in range(MASTERS)]

    @property
    def nodes(self) -> str:
        """REDIS_CLUSTER_NODES for the parts and tests that use this cluster."""
        return ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def start(self) -> None:
        step(f"starting a test Redis Cluster of {MASTERS} masters on ports {', '.join(map(str, self.ports))}")
        for number, port in enumerate(self.ports, start=1):
            data = self.work_dir / f"redis-cluster-{number}"
            data.mkdir(parents=True)
            # No persistence: a test cluster is thrown away; nodes.conf is the node's identity and slots only.
            self.supervisor.spawn(Part(f"redis-cluster-{number}", "redis", "", port, ""),
                                  [self.redis_server, "--port", str(port), "--bind", "127.0.0.1",
                                   "--cluster-enabled", "yes", "--cluster-config-file", str(data / "nodes.conf"),
                                   "--dir", str(data), "--save", "", "--appendonly", "no"],
                                  env=clean_environment(), marker=str(data))
        self._wait("every node answers PING", lambda: all(redis_ping(port) for port in self.ports))
        for port, slots in zip(self.ports, slot_ranges()):
            redis_command(port, "CLUSTER", "ADDSLOTS", *slots)
        for port in self.ports[1:]:
            redis_command(self.ports[0], "CLUSTER", "MEET", "127.0.0.1", port)
        self._wait("every node reports cluster_state:ok", self._formed)

    def _formed(self) -> bool:
        infos = [redis_command(port, "CLUSTER", "INFO") for port in self.ports]
        return all("cluster_state:ok" in info and f"cluster_known_nodes:{MASTERS}" in info for info in infos)

    def _wait(self, what: str, condition) -> None:
        deadline = time.monotonic() + FORM_TIMEOUT_SECONDS
        while not condition():
            if time.monotonic() > deadline:
                logs = "\n".join(self.supervisor.tail(f"redis-cluster-{n}", 10) for n in range(1, MASTERS + 1))
                fail(f"the test Redis Cluster did not form ({what} within {FORM_TIMEOUT_SECONDS:.0f} s):\n{logs}")
            time.sleep(0.1)
