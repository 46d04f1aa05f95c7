"""What one running API shares across requests: settings, database, hashers, login limits."""

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.tokens import TokenSigner
from callfloor.core.banlist import FailureWindow
from callfloor.settings import Settings
from callfloor.storage.db import session_factory
from callfloor.storage.passwords import Passwords


@dataclass
class AppContext:
    """Shared state of one application instance (one per process)."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session] = field(init=False)
    passwords: Passwords = field(init=False)
    tokens: TokenSigner = field(init=False)
    failures_by_account: FailureWindow = field(init=False)
    failures_by_ip: FailureWindow = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.sessions = session_factory(self.engine)
        self.passwords = Passwords.from_settings(s)
        self.tokens = TokenSigner(s.signing_key, s.token_ttl_s)
        self.failures_by_account = FailureWindow(s.login_max_failures, s.login_window_s, s.login_ban_s)
        self.failures_by_ip = FailureWindow(s.login_max_failures, s.login_window_s, s.login_ban_s)
