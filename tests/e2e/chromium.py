"""Debian's Chromium and the flags it needs here (no sandbox, no GPU, no background traffic).
Shared by the browser tests and scripts/screenshot.py."""

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
