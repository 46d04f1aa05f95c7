"""Tenants' SIP trunks as the endpoint sees them: registered with their providers, trusted.

A trunk with ``register`` set keeps a :class:`callfloor.core.sip.registration.Registration`
alive with its provider, so that the provider sends the numbers' calls to us; each REGISTER goes
out through the endpoint's transaction layer like any request, and each final response (or
timer F) comes back here. The providers' addresses are trusted like the configured trusted
networks: their INVITEs carry no credentials of ours (a provider authenticates us, not the
other way round).

Theory of operation: :meth:`Trunks.load` replaces the set of trunks (unregistering those that
went away); deadlines (refreshes, retries) are merged into the endpoint's own.
"""

import logging
import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

from callfloor.core.sip.layer import Key
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.registration import Registration, RegistrationState

log = logging.getLogger(__name__)


class TrunkConfig(Protocol):
    """A trunk's settings (:class:`callfloor.server.trunk_configs.TrunkConfig`), password decrypted."""

    @property
    def tenant_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def transport(self) -> str: ...
    @property
    def username(self) -> str | None: ...
    @property
    def password(self) -> str | None: ...
    @property
    def register(self) -> bool: ...
    @property
    def expires(self) -> int: ...
    @property
    def caller_id(self) -> str | None: ...
    @property
    def prefix(self) -> str: ...


@dataclass
class _Trunk:
    config: TrunkConfig
    peer: Hashable
    registration: Registration | None
    pending: Key | None = None  # the REGISTER transaction out now


@dataclass(frozen=True, slots=True)
class TrunkStatus:
    """What the API shows of a trunk."""

    tenant_id: int
    name: str
    state: str  # a RegistrationState, or "not_registering"
    reason: str


Send = Callable[[Request, Hashable], Key]  # the endpoint's send_request, Via added


class Trunks:
    """Every tenant's trunks, in one process."""

    def __init__(
        self, send: Send, local: Callable[[], tuple[str, int]], rng: random.Random | None = None
    ) -> None:
        self._send = send
        self._local = local
        self._rng = rng or random.SystemRandom()
        self._trunks: dict[tuple[int, str], _Trunk] = {}
        self._by_key: dict[Key, _Trunk] = {}

    def load(self, configs: Sequence[TrunkConfig], now: float) -> None:
        """Use these trunks from now: new ones register, removed ones unregister."""
        wanted = {(c.tenant_id, c.name): c for c in configs}
        for key, trunk in list(self._trunks.items()):
            if wanted.get(key) != trunk.config:
                self._drop(trunk, now)
                del self._trunks[key]
        for key, config in wanted.items():
            if key not in self._trunks:
                self._trunks[key] = trunk = self._make(config)
                if trunk.registration is not None:
                    self._out(trunk, trunk.registration.start(now))

    def outbound(self, tenant_id: int) -> TrunkConfig | None:
        """The trunk the tenant's outbound calls go through: its first, by name."""
        names = sorted(name for tenant, name in self._trunks if tenant == tenant_id)
        return self._trunks[(tenant_id, names[0])].config if names else None

    def is_trunk(self, peer: Hashable) -> bool:
        """Whether ``peer`` is one of the providers' own address and port (not just a trusted host)."""
        if not isinstance(peer, tuple):
            return False
        return any(isinstance(t.peer, tuple) and t.peer[1:] == peer[1:] for t in self._trunks.values())

    def trusted(self, host: str) -> bool:
        """Whether ``host`` is one of the trunks' providers."""
        return any(t.config.host == host for t in self._trunks.values())

    def status(self, tenant_id: int) -> list[TrunkStatus]:
        """The tenant's trunks and how their registrations stand."""
        return [
            TrunkStatus(
                tenant_id,
                t.config.name,
                t.registration.state.value if t.registration else "not_registering",
                t.registration.reason if t.registration else "",
            )
            for (tenant, _), t in sorted(self._trunks.items())
            if tenant == tenant_id
        ]

    def state(self, tenant_id: int, name: str) -> RegistrationState | None:
        """A trunk's registration state (None: no such trunk, or it does not register)."""
        trunk = self._trunks.get((tenant_id, name))
        return trunk.registration.state if trunk and trunk.registration else None

    def on_response(self, response: Response, key: Key | None, now: float) -> bool:
        """A response to one of our REGISTERs; False when it is not ours."""
        trunk = self._by_key.get(key) if key is not None else None
        if key is None or trunk is None or trunk.registration is None:
            return False
        if response.status >= 200:
            del self._by_key[key]
            trunk.pending = None
        before = trunk.registration.state
        self._out(trunk, trunk.registration.on_response(response, now))
        self._report(trunk, before)
        return True

    def on_timeout(self, key: Key, now: float) -> bool:
        """Our REGISTER got no answer; False when it was not ours."""
        trunk = self._by_key.pop(key, None)
        if trunk is None or trunk.registration is None:
            return False
        trunk.pending = None
        before = trunk.registration.state
        trunk.registration.on_timeout(now)
        self._report(trunk, before)
        return True

    def next_deadline(self) -> float | None:
        """The next refresh or retry."""
        deadlines = [
            d
            for t in self._trunks.values()
            if t.registration and (d := t.registration.next_deadline()) is not None
        ]
        return min(deadlines, default=None)

    def on_deadline(self, now: float) -> None:
        """Send the refreshes and retries that are due."""
        for trunk in self._trunks.values():
            if trunk.registration is not None and trunk.pending is None:
                self._out(trunk, trunk.registration.on_deadline(now))

    def stop(self, now: float) -> None:
        """Unregister every trunk (the process is stopping)."""
        for trunk in self._trunks.values():
            self._drop(trunk, now)
        self._trunks.clear()

    def _make(self, config: TrunkConfig) -> _Trunk:
        peer = (config.transport, config.host, config.port)
        if not config.register:
            return _Trunk(config, peer, None)
        user = config.username or "callfloor"
        host, port = self._local()
        registration = Registration(
            registrar=f"sip:{config.host}:{config.port}",
            aor=f"sip:{user}@{config.host}",
            contact=f"<sip:{user}@{host}:{port}>",
            username=user,
            secret=config.password or "",
            rng=self._rng,
            expires=config.expires,
        )
        return _Trunk(config, peer, registration)

    def _drop(self, trunk: _Trunk, now: float) -> None:
        registration = trunk.registration
        if registration is not None and registration.state is RegistrationState.REGISTERED:
            self._out(trunk, registration.stop(now))

    def _out(self, trunk: _Trunk, request: Request | None) -> None:
        if request is None:
            return
        if trunk.pending is not None:
            self._by_key.pop(trunk.pending, None)
        trunk.pending = self._send(request, trunk.peer)
        self._by_key[trunk.pending] = trunk

    def _report(self, trunk: _Trunk, before: RegistrationState) -> None:
        registration = trunk.registration
        if registration is None or registration.state is before:
            return
        config = trunk.config
        if registration.state is RegistrationState.FAILED:
            log.warning(
                "trunk %s (tenant %s): registration failed: %s",
                config.name,
                config.tenant_id,
                registration.reason,
            )
        else:
            log.info("trunk %s (tenant %s): %s", config.name, config.tenant_id, registration.state.value)
