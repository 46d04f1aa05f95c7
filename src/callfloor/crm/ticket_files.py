"""Files attached to tickets: what is accepted, where it goes on disk, and reading it back safely.

*Layout.* ``<data dir>/attachments/<tenant id>/<ticket id>/<random>_<name>``, like recordings:
the tenant's id (never renamed) names the folder, and the stored path is relative to the data
dir so the data dir can move. The random prefix keeps two files of one name apart and makes
paths unguessable; the name is reduced to letters, digits, ``.``, ``_`` and ``-``.

*What is accepted.* Documents, images, audio and mail customers send to a center (a photo of a
broken product, an invoice, a letter), up to :data:`MAX_SIZE`. The declared content type must
be one of :data:`ALLOWED`, and for formats with a signature the bytes must start with it, so
an executable cannot travel as ``image/png``. Attachments are personal data: files are
created readable by their owner only.

A file written in a transaction that is then rolled back stays on disk without a row; it is
never served (only rows name files) and a purge of unreferenced files can remove it.
"""

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.orm import Session

from callfloor.crm.ticket_errors import AttachmentSizeError, AttachmentTypeError, refuse
from callfloor.storage.models import User
from callfloor.storage.tickets import Ticket, TicketAttachment, TicketEvent

ATTACHMENTS = "attachments"
MAX_SIZE = 10 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_MAX = 100
_ZIP = (b"PK\x03\x04",)
_TEXT: tuple[bytes, ...] = ()  # checked as UTF-8 instead

#: Accepted content types, each with the signatures its bytes may start with (text: valid UTF-8).
ALLOWED: Mapping[str, tuple[bytes, ...]] = MappingProxyType(
    {
        "application/pdf": (b"%PDF-",),
        "image/png": (b"\x89PNG\r\n\x1a\n",),
        "image/jpeg": (b"\xff\xd8\xff",),
        "image/gif": (b"GIF87a", b"GIF89a"),
        "image/webp": (b"RIFF",),
        "audio/wav": (b"RIFF",),
        "audio/mpeg": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
        "text/plain": _TEXT,
        "text/csv": _TEXT,
        "message/rfc822": _TEXT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ZIP,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ZIP,
        "application/vnd.oasis.opendocument.text": _ZIP,
        "application/vnd.oasis.opendocument.spreadsheet": _ZIP,
    }
)


class AttachmentPathError(ValueError):
    """A stored attachment path that leads outside the attachments folder (a tampered row)."""


def safe_name(name: str) -> str:
    """A file-name-safe form of an uploaded file's name (never empty, never starting with a dot)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip(".")[-_NAME_MAX:]
    return cleaned or "file"


def check_content(content_type: str, data: bytes) -> str:
    """The media type (parameters dropped) if accepted for ``data``; the matching error otherwise."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in ALLOWED:
        accepted = ", ".join(sorted(ALLOWED))
        raise AttachmentTypeError(f"content type {media!r} is not accepted ({accepted})",
                                  f"type de fichier {media!r} refusé ({accepted})", field="file")  # fmt: skip
    if len(data) > MAX_SIZE:
        raise AttachmentSizeError(f"file larger than {MAX_SIZE} bytes",
                                  f"fichier de plus de {MAX_SIZE} octets", field="file")  # fmt: skip
    signatures = ALLOWED[media]
    if signatures == _TEXT and (b"\x00" in data or not _utf8(data)):
        raise AttachmentTypeError("the file is not text", "le fichier n'est pas du texte", field="file")
    if signatures and not data.startswith(signatures):
        raise AttachmentTypeError(f"the file's bytes are not {media}",
                                  f"le contenu du fichier n'est pas du {media}", field="file")  # fmt: skip
    return media


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class AttachmentStore:
    """Attachments of every tenant under one data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def save(
        self, session: Session, ticket: Ticket, *, file_name: str, content_type: str, data: bytes,
        actor: User | None, now: datetime,
    ) -> TicketAttachment:  # fmt: skip
        """Check, write and record one file on ``ticket``, with its history entry."""
        if ticket.status == "closed":
            raise refuse("ticket", "the ticket is closed", "le ticket est clos")
        media = check_content(content_type, data)
        name = safe_name(file_name)
        path = self._new_file(ticket, name, data)
        attachment = TicketAttachment(tenant_id=ticket.tenant_id, file_name=file_name[:255] or name,
                                      content_type=media, size=len(data), created_at=now,
                                      path=path.relative_to(self.data_dir.resolve()).as_posix(),
                                      uploaded_by=actor.id if actor else None)  # fmt: skip
        ticket.attachments.append(attachment)
        session.flush()
        data_ = {"attachment_id": attachment.id, "file_name": attachment.file_name, "size": len(data)}
        session.add(TicketEvent(tenant_id=ticket.tenant_id, ticket_id=ticket.id, type="attachment", at=now,
                                actor_id=actor.id if actor else None, data=data_))  # fmt: skip
        ticket.updated_at = now
        session.flush()
        session.expire(ticket, ["events"])
        return attachment

    def _new_file(self, ticket: Ticket, name: str, data: bytes) -> Path:
        folder = self.data_dir.resolve() / ATTACHMENTS / str(ticket.tenant_id) / str(ticket.id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{secrets.token_hex(8)}_{name}"
        with path.open("xb") as out:  # exclusive: never over another file
            path.chmod(0o600)
            out.write(data)
        return path

    def file(self, attachment: TicketAttachment) -> Path:
        """The absolute file of an attachment; :class:`AttachmentPathError` if it leaves its folder."""
        root = self.data_dir.resolve()
        path = (root / attachment.path).resolve()
        if not path.is_relative_to(root / ATTACHMENTS / str(attachment.tenant_id)):
            raise AttachmentPathError(f"attachment path {attachment.path!r} is outside its tenant's folder")
        return path
