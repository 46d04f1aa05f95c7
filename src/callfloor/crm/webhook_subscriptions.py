"""A tenant's webhook subscriptions: created with a secret shown once, changed, deleted, pinged.

The secret is generated here, returned once to the caller, and kept sealed: the API never shows
it again (write-only, like trunk passwords). Every write drops the tenant's entry in the outbox's
subscription cache, now and once the transaction is over, so the change is seen at once in
this process (see :mod:`callfloor.crm.outbox`).
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from callfloor.crm.outbox import SUBSCRIPTIONS, queue_event
from callfloor.crm.webhooks import WebhookError, WebhookEvent, check_events, check_url, new_secret
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox
from callfloor.storage.webhooks import Webhook


class WebhookSubscriptions:
    """Create, change, delete and ping one tenant's webhooks."""

    def __init__(self, session: Session, tenant_id: int, box: SecretBox) -> None:
        self.session, self.tenant_id, self.box = session, tenant_id, box
        self.webhooks = TenantScope(session, tenant_id).webhooks

    def create(
        self, url: str, events: Sequence[str], *, description: str = "", active: bool = True, now: datetime
    ) -> tuple[Webhook, str]:
        """A new webhook and its signing secret (the only time the secret is given out)."""
        secret = new_secret()
        webhook = Webhook(url=check_url(url), events=check_events(list(events)), active=active,
                          description=_description(description), secret_sealed=self.box.seal(secret),
                          created_at=now)  # fmt: skip
        self.webhooks.add(webhook)
        self._changed()
        return webhook, secret

    def update(
        self, webhook: Webhook, *, url: str | None = None, events: Sequence[str] | None = None,
        description: str | None = None, active: bool | None = None,
    ) -> Webhook:  # fmt: skip
        """Change the fields given (not None)."""
        if url is not None:
            webhook.url = check_url(url)
        if events is not None:
            webhook.events = check_events(list(events))
        if description is not None:
            webhook.description = _description(description)
        if active is not None:
            webhook.active = active
        self.session.flush()
        self._changed()
        return webhook

    def rotate_secret(self, webhook: Webhook) -> str:
        """A new signing secret, replacing the old one at once; returned this once."""
        secret = new_secret()
        webhook.secret_sealed = self.box.seal(secret)
        self.session.flush()
        return secret

    def delete(self, webhook: Webhook) -> None:
        """Delete the webhook and its deliveries."""
        self.webhooks.delete(webhook)
        self._changed()

    def ping(self, webhook: Webhook, *, now: datetime) -> int:
        """Queue a ``ping`` to this webhook alone, whatever events it wants (sent while it is active)."""
        data = {"webhook_id": webhook.id, "url": webhook.url}
        return queue_event(
            self.session, self.tenant_id, WebhookEvent.PING, data, now=now, webhook_ids=(webhook.id,)
        )

    def _changed(self) -> None:
        SUBSCRIPTIONS.forget(self.session, self.tenant_id)
        for moment in ("after_commit", "after_rollback"):
            event.listen(self.session, moment, self._forget, once=True)

    def _forget(self, session: Session) -> None:
        SUBSCRIPTIONS.forget(session, self.tenant_id)


def _description(text: str) -> str:
    cleaned = text.strip()
    if len(cleaned) > 200:
        raise WebhookError("invalid_webhook", "description: 200 characters at most",
                           "description : 200 caractères au plus", field="description")  # fmt: skip
    return cleaned
