"""The keys of actions sent by the offline queue: a replay with a key already seen is answered, not counted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.extensions import db


class ReplayKey(db.Model):
    """An ``Idempotency-Key`` one person's device sent with an action that was accepted.

    Written in the same transaction as the action itself, so a refused or failed action leaves no key (and may be
    sent again); the unique (user, key) pair makes two replays of the same action racing each other count once.
    """

    __tablename__ = "replay_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The client-generated key (a UUID in practice).
    key: Mapped[str] = mapped_column(String(64))
    #: The endpoint that accepted the action ("learning.mark_done"), for the record.
    endpoint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
