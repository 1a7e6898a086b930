"""compose.scale.yaml and deploy/nginx.conf agree with each other and with the app: three
servers on one PostgreSQL, nginx in front. (nginx itself runs this config in
tests/classroom/test_shared_postgres.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.scale.yaml").read_text())
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()


def test_postgres_keeps_its_data_in_a_named_volume_and_reports_health() -> None:
    postgres = COMPOSE["services"]["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert "backprop-pg:/var/lib/postgresql/data" in postgres["volumes"]
    assert set(COMPOSE["volumes"]) == {"backprop-pg"}
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_three_app_servers_share_the_database_nginx_names() -> None:
    apps = {k: v for k, v in COMPOSE["services"].items() if k.startswith("app")}
    upstreams = re.findall(r"server (app\d):8000", NGINX)
    assert sorted(apps) == sorted(upstreams) == ["app1", "app2", "app3"]
    postgres = COMPOSE["services"]["postgres"]["environment"]
    for app in apps.values():
        url = app["environment"]["BACKPROP_DATABASE_URL"]
        assert url.startswith(f"postgresql://{postgres['POSTGRES_USER']}:")
        assert url.endswith(f"@postgres:5432/{postgres['POSTGRES_DB']}")
        assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    processes = len(apps) * int(app["environment"]["BACKPROP_WORKERS"])
    each = int(app["environment"]["BACKPROP_PG_POOL_MAX"]) + 1  # the pool, and the listener
    assert processes * each < 100  # PostgreSQL's max_connections


def test_nginx_streams_events_and_drops_a_failed_server() -> None:
    nginx = COMPOSE["services"]["nginx"]
    assert nginx["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    assert "proxy_buffering off;" in NGINX
    assert len(re.findall(r"max_fails=\d+ fail_timeout=\d+s", NGINX)) == 3
    assert "non_idempotent" not in NGINX  # a POST already sent is never sent twice
