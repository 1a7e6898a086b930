"""Settings, all from environment variables prefixed BACKPROP_ (e.g. BACKPROP_DATABASE)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Limits(BaseSettings):
    """Bounds on what one request may ask for. They appear in the OpenAPI schema."""

    model_config = SettingsConfigDict(env_prefix="BACKPROP_", frozen=True)

    max_layers: int = Field(10, description="Most entries in `layers` (inputs and outputs count).")
    max_units: int = Field(256, description="Most units in one layer.")
    max_examples: int = Field(5000, description="Most examples in one batch or dataset.")
    max_epochs: int = Field(10000, description="Most epochs in one step request.")
    max_work: int = Field(
        50_000_000,
        description="Most work one request may cost, in multiply-adds: examples × epochs × "
        "weights × passes, plus `update_cost` per update.",
    )
    update_cost: int = Field(
        6_000,
        description="What one update costs beyond its multiply-adds, in multiply-adds: the "
        "fixed cost of a forward and a backward pass (online mode pays it per example).",
    )
    max_abs_value: float = Field(1e6, description="Largest |number| accepted in any input.")
    max_learning_rate: float = Field(1000.0)
    max_l2: float = Field(100.0, description="Largest λ of the L2 term.")
    max_name_length: int = Field(100)
    max_body_bytes: int = Field(2_000_000, description="Largest request body, in bytes.")
    max_response_bytes: int = Field(
        40_000_000,
        description="Largest answer one request may ask for, in bytes, estimated before any "
        "work from the numbers it would hold (see app/networks/validate.py `response`).",
    )
    max_title_length: int = Field(100, description="Longest class or activity title.")
    max_student_name_length: int = Field(60, description="Longest student name.")
    max_questions: int = Field(20, description="Most questions in one activity.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKPROP_")

    database: str = Field("./data/backprop.sqlite3", description="SQLite file.")
    database_url: str | None = Field(
        None,
        description="postgresql://user:password@host:port/dbname: keep the networks in "
        "PostgreSQL (shared by several servers) instead of the SQLite file. Needs the "
        "`postgres` extra (psycopg).",
    )
    pg_pool_min: int = Field(
        1, ge=0, description="PostgreSQL connections each worker process keeps open."
    )
    pg_pool_max: int = Field(
        4,
        ge=1,
        description="Most PostgreSQL connections one worker process's pool opens (each worker "
        "also keeps one that listens for class events); servers × workers × (this + 1) must "
        "stay below the server's max_connections (docs/storage.md).",
    )
    threads: int = Field(
        2,
        ge=1,
        le=1000,
        description="Requests one worker process computes at once; the others wait their "
        "turn, first come first served. Python runs one thread at a time, so more threads "
        "do not compute more: they share the interpreter in slices, and every request of a "
        "burst finishes as late as the last (docs/benchmarks.md, a class on one machine).",
    )
    pg_timeout: float = Field(
        5.0,
        gt=0,
        description="Seconds a request waits for a PostgreSQL connection (or a lock) before "
        "it is answered 503 with Retry-After.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    synchronous: str = Field("FULL", description="SQLite synchronous pragma: FULL or NORMAL.")
    presets_dir: str | None = None
    admin_token: str | None = None
    max_networks: int = 10_000
    max_stored_bytes: int = Field(
        4 * 2**30,
        ge=0,
        description="The most bytes the database may hold (4 GiB); 0: no quota. At the "
        "quota, expired networks are deleted first, then new networks and larger datasets "
        "are refused with a 503.",
    )
    expire_after_days: float = 30.0
    cache_networks: int = Field(
        1024,
        ge=0,
        description="Recently used networks kept decoded in memory per worker (at most 64 MiB "
        "of arrays); 0: none. The database stays the truth: a cached network is used only "
        "while its version is the database's.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from other sites, comma-separated "
        "(e.g. https://course.example.org). Empty (the default): CORS is closed.",
    )
    create_burst: int = Field(
        200,
        ge=0,
        description="Networks one client address may create at once (a class behind one NAT "
        "address counts as one client); 0: no limit.",
    )
    create_per_minute: float = Field(
        30.0, ge=0, description="How fast that allowance refills, per worker process."
    )

    max_students_per_class: int = Field(
        500, ge=1, description="Most students who may join one class."
    )
    max_classes: int = Field(1000, ge=1, description="Most classes the server holds at once.")
    classes_need_admin: bool = Field(
        False,
        description="true: opening a class needs the admin token (Authorization: Bearer "
        "<BACKPROP_ADMIN_TOKEN>).",
    )
    teacher_password: str | None = Field(
        None,
        description="When set, opening a class (/teach/new, POST /api/classes) asks for it: "
        "on a server anyone can reach, only those who know it open classes. Unset: anyone "
        "may, at most `class_burst` classes per address (per worker process).",
    )
    class_burst: int = Field(
        2,
        ge=0,
        description="Classes one client address may open at once while no teacher password "
        "is set; 0: no limit.",
    )
    classes_per_hour: float = Field(
        1.0, ge=0, description="How fast that allowance refills, per worker process."
    )
    max_class_networks: int = Field(
        1000,
        ge=1,
        description="Most networks one class holds: its students × its activities (a join "
        "adds one, a push one per student).",
    )
    join_burst: int = Field(
        100,
        ge=1,
        description="New students one client address may add to one class at once (a class "
        "behind one NAT address joins together); a student coming back with their "
        "student_key is not new.",
    )
    joins_per_minute: float = Field(
        10.0, gt=0, description="How fast that allowance refills, per worker process."
    )
    join_failures_burst: int = Field(
        10,
        ge=1,
        description="Joins with an unknown code one client address may make before it must "
        "wait (guessing codes). A right code from an address the class knows always gets in.",
    )
    join_failures_per_minute: float = Field(
        2.0, gt=0, description="How fast that allowance refills, per worker process."
    )
    join_failures_total_burst: int = Field(
        60,
        ge=1,
        description="Joins with an unknown code all addresses together may make before "
        "they must wait (guessing from many addresses).",
    )
    join_failures_total_per_minute: float = Field(
        3.0, gt=0, description="How fast that allowance refills, per worker process."
    )
    forwarded_allow_ips: str = Field(
        "",
        description="Addresses (or networks, comma-separated; * for any) of the reverse "
        "proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. Empty (the "
        "default): none, so the rate limits key on the address that connected.",
    )
    max_streams_per_address: int = Field(
        600,
        ge=1,
        description="Event streams one client address may hold open at once, per worker "
        "process (a class behind one NAT address holds one per student and the teacher's).",
    )
    max_teacher_streams: int = Field(
        4,
        ge=1,
        description="Teacher streams one class may hold open at once, per worker process "
        "(the dashboard, a projector, a spare).",
    )
    body_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds a client may take to send a request's body; then 408.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value


LIMITS = Limits()


@lru_cache
def get_settings() -> Settings:
    return Settings()
