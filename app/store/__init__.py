"""Where networks live, behind the small interface in base.py. SQLite is the default."""

from app.store.base import (
    NetworkStore,
    NotFound,
    StoredNetwork,
    StoreFull,
    StoreUnavailable,
    Summary,
)
from app.store.sqlite import SQLiteStore

__all__ = [
    "NetworkStore",
    "NotFound",
    "SQLiteStore",
    "StoreFull",
    "StoreUnavailable",
    "StoredNetwork",
    "Summary",
]
