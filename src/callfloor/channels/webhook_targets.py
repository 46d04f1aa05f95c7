"""Where a webhook may be posted: public addresses, and the private networks a center allows.

A tenant's admin writes the URL, so without a check a webhook could make callfloor post to
services only it can reach: the machine itself (127.0.0.1: the database, the metadata
endpoints of a cloud, 169.254.169.254), or the floor's private network (server-side request
forgery, OWASP A10). So the host is resolved before every post, every address it resolves to
must be public (:attr:`ipaddress.IPv4Address.is_global`) or inside a network the center allows
(``CALLFLOOR_WEBHOOK_PRIVATE_NETWORKS``, for a CRM on the floor's LAN), and the post goes to the
address that was checked, with the original host in ``Host`` and in TLS's SNI and certificate
check: a name resolving to another address between the check and the connection (DNS
rebinding) is not followed.
"""

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefusedError(Exception):
    """The URL's host resolves to an address a webhook may not reach."""


def networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """The allowed private networks, from their CIDR text (``10.1.0.0/16``, ``127.0.0.1/32``)."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def allowed(address: Address, private_networks: Sequence[Network]) -> bool:
    """Whether a post may go to ``address``."""
    if address.is_global and not address.is_multicast:
        return True
    return any(address in network for network in private_networks)


def checked(host: str, resolved: Sequence[str], private_networks: Sequence[Network]) -> str:
    """The address to connect to: the first ``host`` resolved to, once all of them are allowed."""
    if not resolved:
        raise TargetRefusedError(f"{host} does not resolve")
    addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolved]
    refused = [str(a) for a in addresses if not allowed(a, private_networks)]
    if refused:
        raise TargetRefusedError(
            f"{host} resolves to {', '.join(refused)}, not a public address"
            " (allow a private network with CALLFLOOR_WEBHOOK_PRIVATE_NETWORKS)"
        )
    return str(addresses[0])
