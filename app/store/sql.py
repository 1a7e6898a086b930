"""SQL written once for both databases: a neutral form that each driver's dialect compiles.

A statement names its parameters (`:name`, passed as keywords) and spells the two things the
databases do not share as fields: `{blob}`, the type of a byte string, and `{lock:…}`, a row
lock (`{lock:FOR UPDATE}`), which PostgreSQL keeps and SQLite drops (its write transactions
run one at a time). A dialect compiles a statement once into its driver's text (sqlite3's
`?`, psycopg's `%s`) and the order of its parameters. The few statements with no common form
(a database's size, its schema version) are written per dialect where they are used.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

NAME = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
"""A parameter: `:name`, not a cast (`::text`) nor inside a word."""


class _Lock:
    def __init__(self, kept: bool) -> None:
        self.kept = kept

    def __format__(self, clause: str) -> str:
        return clause if self.kept else ""


@dataclass(frozen=True)
class Dialect:
    name: str
    mark: str
    blob: str
    row_locks: bool

    @functools.lru_cache(maxsize=4096)  # noqa: B019  (two dialects, alive for good)
    def compile(self, sql: str) -> tuple[str, tuple[str, ...]]:
        """The driver's text of `sql` and the names of its parameters, in order."""
        text = sql.format(blob=self.blob, lock=_Lock(self.row_locks))
        if self.mark == "%s":
            text = text.replace("%", "%%")
        return NAME.sub(self.mark, text), tuple(NAME.findall(text))


SQLITE = Dialect("sqlite", "?", "BLOB", row_locks=False)
POSTGRES = Dialect("postgres", "%s", "BYTEA", row_locks=True)


@functools.cache
def _insert(table: str, names: tuple[str, ...], keys: tuple[str, ...]) -> str:
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES (:{', :'.join(names)})"
    if not keys:
        return sql
    sets = ", ".join(f"{n} = excluded.{n}" for n in names if n not in keys)
    return f"{sql} ON CONFLICT ({', '.join(keys)}) DO {f'UPDATE SET {sets}' if sets else 'NOTHING'}"


@functools.cache
def _update(table: str, names: tuple[str, ...], key: str) -> str:
    sets = ", ".join(f"{n} = :{n}" for n in names if n != key)
    return f"UPDATE {table} SET {sets} WHERE {key} = :{key}"


class Conn:
    """A connection of either driver, running statements in the neutral form."""

    __slots__ = ("dialect", "raw")

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw, self.dialect = raw, dialect

    def run(self, sql: str, /, **params: Any) -> Any:
        """Execute; the driver's cursor (fetchone, fetchall, rowcount, iteration)."""
        text, names = self.dialect.compile(sql)
        return self.raw.execute(text, [params[name] for name in names])

    def one(self, sql: str, /, **params: Any) -> Any:
        """The first row (a tuple), or None."""
        return self.run(sql, **params).fetchone()

    def all(self, sql: str, /, **params: Any) -> list[Any]:
        return list(self.run(sql, **params).fetchall())

    def insert(self, table: str, row: Mapping[str, Any], keys: tuple[str, ...] = ()) -> Any:
        """INSERT one row, its columns by name; with `keys` (a unique key's columns), the row
        that has those already is updated instead (ON CONFLICT), or kept if that is all."""
        return self.run(_insert(table, tuple(row), keys), **row)

    def update(self, table: str, row: Mapping[str, Any], key: str = "id") -> Any:
        """UPDATE the row whose `key` column is `row[key]`: its other columns by name."""
        return self.run(_update(table, tuple(row), key), **row)


def listed(name: str, values: list[Any]) -> tuple[str, dict[str, Any]]:
    """`:name0, :name1, …` and their values, for an IN list."""
    marks = ", ".join(f":{name}{i}" for i in range(len(values)))
    return marks, {f"{name}{i}": value for i, value in enumerate(values)}


def in_parts(name: str, values: list[Any], size: int = 500) -> Iterator[tuple[str, dict[str, Any]]]:
    """`listed` of each run of at most `size` of `values`, in order: an IN list per statement."""
    for at in range(0, len(values), size):
        yield listed(name, values[at : at + size])
