"""The hosts of the multi-node run: one network namespace per node, each joined by a veth pair to a
bridge on this machine's side, which plays the data centre's network (PostgreSQL, Redis, the mail
server and HAProxy are reached at the bridge's address).

Addresses: a /24 of the private range on our own bridge only (no route leaves it: the namespaces get
no default route). Everything made here is removed by `teardown`, also after a crash (namespaces of
a previous run with the same names are removed first)."""

import subprocess
from dataclasses import dataclass

BRIDGE = "pcmn0"
SUBNET = "10.231.7"
HOST_ADDRESS = f"{SUBNET}.1"


@dataclass(frozen=True)
class Node:
    name: str  # the namespace's name
    address: str

    @property
    def veth_host(self) -> str:
        return f"pcmn-{self.name}"[:15]


NODES = (Node("web1", f"{SUBNET}.11"), Node("web2", f"{SUBNET}.12"), Node("worker", f"{SUBNET}.21"))


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=20)


def namespaces() -> set[str]:
    out = _ip("netns", "list").stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def teardown(nodes=NODES) -> list[str]:
    """Removes the namespaces (their veth ends go with them) and the bridge; returns what it removed.
    Processes still inside a namespace keep it alive: the caller ends them first."""
    removed = []
    present = namespaces()
    for node in nodes:
        if node.name in present:
            _ip("netns", "delete", node.name, check=False)
            removed.append(f"netns {node.name}")
        if _ip("link", "show", node.veth_host, check=False).returncode == 0:
            _ip("link", "delete", node.veth_host, check=False)
    if _ip("link", "show", BRIDGE, check=False).returncode == 0:
        _ip("link", "delete", BRIDGE, check=False)
        removed.append(f"bridge {BRIDGE}")
    return removed


def setup(nodes=NODES) -> None:
    teardown(nodes)
    _ip("link", "add", BRIDGE, "type", "bridge")
    _ip("addr", "add", f"{HOST_ADDRESS}/24", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")
    for node in nodes:
        _ip("netns", "add", node.name)
        _ip("link", "add", node.veth_host, "type", "veth", "peer", "name", "eth0", "netns", node.name)
        _ip("link", "set", node.veth_host, "master", BRIDGE)
        _ip("link", "set", node.veth_host, "up")
        _ip("-n", node.name, "addr", "add", f"{node.address}/24", "dev", "eth0")
        _ip("-n", node.name, "link", "set", "eth0", "up")
        _ip("-n", node.name, "link", "set", "lo", "up")


def in_namespace(node: Node, argv: list[str]) -> list[str]:
    return ["ip", "netns", "exec", node.name, *argv]


def pids_in(node: Node) -> list[int]:
    out = _ip("netns", "pids", node.name, check=False).stdout
    return [int(word) for word in out.split() if word.isdigit()]
