"""Where networks live (docs/storage.md): one store, app/store/core.py, on SQLite (the
default) or, with BACKPROP_DATABASE_URL=postgresql://…, on PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.store.base import NotFound, StoredNetwork, StoreFull, StoreUnavailable, Summary
from app.store.core import Store
from app.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from app.config import Settings

# the interface's names: the one store, whose docstrings are the contract
NetworkStore = Store
SharedStore = Store


def open_configured_store(settings: Settings) -> Store:
    """The store the settings name: PostgreSQL when `database_url` is set, else SQLite."""
    common: dict[str, Any] = {
        "max_networks": settings.max_networks,
        "expire_after": settings.expire_after_days * 86400,
        "cache_networks": settings.cache_networks,
        "max_stored_bytes": settings.max_stored_bytes,
    }
    if settings.database_url:
        from app.store.postgres import PostgresStore  # psycopg is needed only here

        pool = {"pool_min": settings.pg_pool_min, "pool_max": settings.pg_pool_max}
        return PostgresStore(settings.database_url, timeout=settings.pg_timeout, **pool, **common)
    return SQLiteStore(settings.database, settings.synchronous, **common)


__all__ = ["NetworkStore", "NotFound", "SQLiteStore", "SharedStore", "Store", "StoreFull"]
__all__ += ["StoreUnavailable", "StoredNetwork", "Summary", "open_configured_store"]
