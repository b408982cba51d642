"""Node settings, read from ``SANMEASURES_*`` environment variables with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sanmeasures.contract.safe_xml import MAX_DOCUMENT_BYTES


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    #: Largest document the API accepts, bytes (a scanned protocol travels as base64, Rules §36).
    max_document_bytes: int = MAX_DOCUMENT_BYTES
    #: The embedded default is a SQLite file; production uses postgresql+asyncpg://…
    database_url: str = "sqlite+aiosqlite:///var/sanmeasures.sqlite3"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            host=env.get("SANMEASURES_HOST", cls.host),
            port=int(env.get("SANMEASURES_PORT", cls.port)),
            max_document_bytes=int(env.get("SANMEASURES_MAX_DOCUMENT_BYTES", cls.max_document_bytes)),
            database_url=env.get("SANMEASURES_DATABASE_URL", cls.database_url),
        )
