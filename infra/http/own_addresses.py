"""This machine's own IP addresses, for load balancers that probe by IP (ALB health checks)."""

from __future__ import annotations

import socket


def own_ip_addresses() -> list[str]:
    """The addresses the host name resolves to, loopback excluded; empty if it resolves to none.

    On ECS (awsvpc) and Kubernetes the host name resolves to the task's or pod's private IP,
    which is what a target-group health check or a kubelet probe puts in the Host header.
    """
    try:
        _, _, addresses = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        return []
    return sorted({a for a in addresses if not a.startswith("127.")})
