"""Process settings, from the environment (``CALLFLOOR_*``) or a ``.env`` file.

The secret key signs login tokens and session cookies. When it is not given it is generated
once into the data dir (``secret_key``, mode 0600), so a restart keeps users logged in and no
secret ever sits in the repository.
"""

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a callfloor process is configured with."""

    model_config = SettingsConfigDict(env_prefix="CALLFLOOR_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./callfloor-data")
    database_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    sip_host: str = "127.0.0.1"
    sip_port: int = Field(default=5060, ge=0, le=65535)
    # The tenant of SIP requests addressed to an IP rather than to a tenant's domain (realm).
    sip_default_tenant: str | None = "demo"
    # Digest challenges offered, in order. MD5 alone suits every phone (many fail on a SHA-256
    # challenge); "SHA-256,MD5" is RFC 8760's order, for floors whose phones all support SHA-256.
    sip_digest_algorithms: str = "MD5"
    # Where calls may come from without digest credentials: the trunk's addresses (CIDR, comma-separated).
    sip_trusted_networks: str = "127.0.0.1/32,::1/128"
    rtp_port_min: int = Field(default=20000, ge=1024, le=65534)
    rtp_port_max: int = Field(default=30000, ge=1025, le=65535)
    # Prompts and music on hold played by a second process (server/media/worker.py), so that the
    # SIP process keeps a core to itself; false plays them in the one process.
    media_process: bool = True
    # The longest wrap-up of an outbound campaign whose queue sets none: the agent's disposition
    # ends it sooner; past it the attempt is stored without one and the agent is ready again.
    campaign_wrap_up_s: float = Field(default=120.0, ge=0, le=3600)
    secret_key: SecretStr | None = None
    token_ttl_s: int = Field(default=12 * 3600, ge=60)
    cookie_secure: bool = True
    # argon2id cost; RFC 9106 §4 second recommended option. Tests lower it.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=64 * 1024, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    login_max_failures: int = Field(default=10, ge=1)
    login_window_s: float = Field(default=600.0, gt=0)
    login_ban_s: float = Field(default=600.0, ge=0)
    # Outgoing e-mail (appointment confirmations): no host, no e-mail sent.
    # Private networks webhooks may post to (CIDRs, comma-separated); public addresses always.
    webhook_private_networks: str = ""
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "callfloor@localhost"
    smtp_starttls: bool = True

    @property
    def resolved_database_url(self) -> str:
        """The database URL; an SQLite file in the data dir unless one is given."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'callfloor.db').resolve()}"

    @cached_property
    def signing_key(self) -> str:
        """The secret key, read from or generated into the data dir when not configured."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key + "\n")
        return key
