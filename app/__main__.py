"""`python -m app` (or the `backprop-lab` console script): serve the app with uvicorn.

Host, port and worker count come from the environment through `app.config.Settings`
(BACKPROP_HOST, BACKPROP_PORT, BACKPROP_WORKERS); the default is http://127.0.0.1:8000.
"""

from __future__ import annotations

import uvicorn

from app.config import get_settings


def main() -> None:
    settings = get_settings()
    # An import string, not the app object: uvicorn needs one to start several workers.
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
    )


if __name__ == "__main__":
    main()
