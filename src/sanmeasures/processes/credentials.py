"""Participants' API keys: issued to a configured participant, stored only as a SHA-256, revocable.

A key looks like ``smk_<10 letters>.<secret>``: the part before the dot finds the row, the SHA-256
of the whole key proves it. Keys are long random tokens, so a fast hash is enough (no password
stretching needed); the comparison is constant-time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.exchange.participants import Participant
from sanmeasures.storage.tables import api_keys

_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class IssuedKey:
    participant: str
    key: str  # shown once, never stored


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def issue_key(connection: AsyncConnection, participant: Participant) -> IssuedKey:
    prefix = "smk_" + "".join(secrets.choice(_ALPHABET) for _ in range(10))
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    await connection.execute(
        api_keys.insert().values(participant=participant.id, prefix=prefix, key_sha256=_sha256(key))
    )
    return IssuedKey(participant.id, key)


async def revoke_keys(connection: AsyncConnection, participant: Participant) -> int:
    """Withdraw every key of ``participant``; how many were in force."""
    result = await connection.execute(
        api_keys.update()
        .where(api_keys.c.participant == participant.id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )
    return result.rowcount


async def participant_of(connection: AsyncConnection, key: str) -> Participant | None:
    """The participant a key in force belongs to; None for an unknown, malformed or revoked key."""
    prefix, dot, _secret = key.partition(".")
    if not dot or not prefix.startswith("smk_"):
        return None
    row = (
        await connection.execute(
            sa.select(api_keys.c.participant, api_keys.c.key_sha256).where(
                api_keys.c.prefix == prefix, api_keys.c.revoked_at.is_(None)
            )
        )
    ).first()
    if row is None or not hmac.compare_digest(row.key_sha256, _sha256(key)):
        return None
    return Participant.parse(row.participant)


async def has_keys(connection: AsyncConnection) -> bool:
    return (await connection.execute(sa.select(api_keys.c.id).limit(1))).first() is not None
