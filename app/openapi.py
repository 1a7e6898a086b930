"""The OpenAPI document made precise, and /docs served from our own static files.

`precise` post-processes FastAPI's schema so that what it says is what the server does:
- every 4xx/5xx body is `ErrorResponse` (FastAPI's own HTTPValidationError never appears);
- the refusals of app.security are documented where they can happen: 408/413/415/422 on
  every POST, PUT and PATCH (the body guard reads a body even where the route takes none),
  429 on network creation and import, 503 on every route under /api;
- the 201 of `POST /api/networks` (and of …/import) links (OpenAPI `links`) to every operation on
  /api/networks/{network_id} but the classroom's (…/classroom, …/variant: such a network is
  in no class), so a stateful fuzzer reaches real networks.

/docs: FastAPI's default page loads Swagger UI from a CDN and starts it with an inline
script; both break "nothing fetched from the internet" and our CSP (script-src 'self').
Instead the assets are vendored (scripts/vendor-swagger-ui, pinned npm swagger-ui-dist) and
started by static/docs/init.js, so /docs runs under the same CSP as every other page.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
CREATES = (("/api/networks", "post"), ("/api/networks/import", "post"))
NETWORK_PATH = re.compile(r"^/api/networks/\{network_id\}")
EXTRA: dict[str, str] = {
    "408": "The body was not sent within BACKPROP_BODY_TIMEOUT seconds.",
    "413": "The body is too large.",
    "415": "The body is not JSON.",
    "429": "Too many networks created from this address; see Retry-After.",
    "503": "The database cannot take the change now. Nothing changed.",
}

DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backprop Lab API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs/init.js"></script>
</body>
</html>
"""


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def precise(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a FastAPI OpenAPI document in place (see the module docstring)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    links: dict[str, Any] = {}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            for code, response in responses.items():
                if code[0] in "45":
                    content = response.setdefault("content", {})
                    content["application/json"] = {"schema": ERROR_REF}
            wanted: list[str] = []
            if method in ("post", "put", "patch"):  # app.security.BodyGuard reads them all
                wanted += ["408", "413", "415", "422"]
            if path.startswith("/api/"):
                wanted.append("503")
            if (path, method) in CREATES:
                wanted.append("429")
            for code in wanted:
                responses.setdefault(code, _error(EXTRA.get(code, "A field is invalid.")))
            if (
                NETWORK_PATH.match(path)
                and "operationId" in operation
                # a created network is in no class: its classroom and new numbers are a 404
                and "/classroom" not in path
                and not path.endswith("/variant")
            ):
                rest = path[NETWORK_PATH.match(path).end() :]  # type: ignore[union-attr]
                name = "".join(w.capitalize() for w in re.split(r"[^A-Za-z]+", rest) if w)
                links[f"{method.capitalize()}{name or 'Network'}"] = {
                    "operationId": operation["operationId"],
                    "parameters": {"network_id": "$response.body#/id"},
                }
    for path, method in CREATES:
        created = schema.get("paths", {}).get(path, {}).get(method, {}).get("responses", {})
        if "201" in created and links:
            created["201"]["links"] = links
    return schema


def install(app: FastAPI) -> None:
    """Serve the precise schema at /openapi.json and Swagger UI from /static at /docs."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = precise(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_HTML)
