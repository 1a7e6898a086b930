"""Where networks live, behind the small interface in base.py. SQLite is the default;
BACKPROP_DATABASE_URL=postgresql://… selects PostgreSQL (app/store/postgres.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.store.base import (
    NetworkStore,
    NotFound,
    SharedStore,
    StoredNetwork,
    StoreFull,
    StoreUnavailable,
    Summary,
)
from app.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from app.config import Settings


def open_configured_store(settings: Settings) -> SharedStore:
    """The store the settings name: PostgreSQL when `database_url` is set, else SQLite."""
    common: dict[str, Any] = {
        "max_networks": settings.max_networks,
        "expire_after": settings.expire_after_days * 86400,
        "cache_networks": settings.cache_networks,
        "max_stored_bytes": settings.max_stored_bytes,
    }
    if settings.database_url:
        from app.store.postgres import PostgresStore  # psycopg is needed only here

        return PostgresStore(
            settings.database_url,
            pool_min=settings.pg_pool_min,
            pool_max=settings.pg_pool_max,
            timeout=settings.pg_timeout,
            **common,
        )
    return SQLiteStore(settings.database, settings.synchronous, **common)


__all__ = [
    "NetworkStore",
    "NotFound",
    "SQLiteStore",
    "SharedStore",
    "StoreFull",
    "StoreUnavailable",
    "StoredNetwork",
    "Summary",
    "open_configured_store",
]
