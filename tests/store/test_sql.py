"""The neutral SQL form (app/store/sql.py), compiled by each dialect: what each driver is given.
The contract tests run the store's own statements on a real SQLite file and PostgreSQL."""

from __future__ import annotations

from app.store.sql import POSTGRES, SQLITE, in_parts, listed

STATEMENT = (
    "INSERT INTO history SELECT :id, :seq, kind FROM history h "
    "WHERE network_id = :id AND seq = :seq - 1 AND kind::text LIKE 'st%' {lock:FOR UPDATE}"
)


def test_each_dialect_gets_its_own_placeholders_and_locks_and_the_parameters_in_order():
    sqlite, names = SQLITE.compile(STATEMENT)
    assert names == ("id", "seq", "id", "seq")  # by occurrence: a name used twice, twice
    assert sqlite == (
        "INSERT INTO history SELECT ?, ?, kind FROM history h "
        "WHERE network_id = ? AND seq = ? - 1 AND kind::text LIKE 'st%' "
    )
    postgres, same = POSTGRES.compile(STATEMENT)
    assert same == names
    assert postgres == (
        "INSERT INTO history SELECT %s, %s, kind FROM history h "
        "WHERE network_id = %s AND seq = %s - 1 AND kind::text LIKE 'st%%' FOR UPDATE"
    )


def test_a_byte_string_s_type_and_an_in_list():
    assert SQLITE.compile("params {blob} NOT NULL")[0] == "params BLOB NOT NULL"
    assert POSTGRES.compile("params {blob} NOT NULL")[0] == "params BYTEA NOT NULL"
    marks, values = listed("seq", [4, 7])
    assert (marks, values) == (":seq0, :seq1", {"seq0": 4, "seq1": 7})
    parts = [(":seq0, :seq1", {"seq0": 4, "seq1": 7}), (":seq0", {"seq0": 9})]
    assert list(in_parts("seq", [4, 7, 9], size=2)) == parts
    assert list(in_parts("seq", [])) == []
    assert POSTGRES.compile(f"seq IN ({marks})") == ("seq IN (%s, %s)", ("seq0", "seq1"))
