# shellcheck shell=bash
# Shared by scripts/serve and scripts/test: source it, then call `ensure_venv [extra]`.
# Creates .venv (Python >= 3.11) if missing and installs the project pinned by the lock files.
# Re-installs only when pyproject.toml or a lock file changed, so running a script again is fast.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BACKPROP_VENV:-$ROOT/.venv}"
UV_VERSION=0.13.9

say() { printf '\033[1m==> [%3d s] %s\033[0m\n' "$SECONDS" "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# ensure_venv           -> runtime dependencies (PostgreSQL's driver too), pinned by requirements.lock
# ensure_venv test      -> plus the test tools, pinned by requirements-test.lock
ensure_venv() {
    local extra="${1:-}" spec=".[postgres]" lock="$ROOT/requirements.lock" python stamp want
    if [ -n "$extra" ]; then
        spec=".[postgres,$extra]"
        lock="$ROOT/requirements-$extra.lock"
    fi
    [ -f "$lock" ] || die "missing $lock"

    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        python="$(find_python)" || die "Python >= 3.11 is needed (on Debian 12: apt-get install python3 python3-venv)"
        say "creating $VENV with $("$python" --version)"
        rm -rf "$VENV"
        if ! "$python" -m venv "$VENV"; then
            # Debian's own Python keeps venv's pip in a separate package.
            [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 ||
                die "$python -m venv failed (on Debian: apt-get install python3-venv)"
            say "installing python3-venv with apt-get"
            apt-get update -q && apt-get install -y -q python3-venv || die "could not install python3-venv"
            rm -rf "$VENV"
            "$python" -m venv "$VENV" || die "$python -m venv failed"
        fi
    fi

    stamp="$VENV/.installed${extra:+-$extra}"
    # (the last word: a venv installed before bytecode was compiled at install is made again)
    want="$({ cat "$ROOT/pyproject.toml" "$lock"; echo bytecode; } | sha256sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "installing $spec pinned by $(basename "$lock")"
        # uv installs in seconds where pip takes a minute; pip stays the fallback. uv is told to
        # trust the system's CA store, as pip does, for networks that inspect TLS, and to write
        # bytecode, as pip does (where PYTHONDONTWRITEBYTECODE is set nothing else writes it,
        # and every server process would compile its imports again: twice the CPU to start).
        if ! { "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" &&
            (cd "$ROOT" && UV_NO_CONFIG=1 UV_SYSTEM_CERTS=1 "$VENV/bin/uv" pip install --quiet --compile-bytecode \
                --python "$VENV/bin/python" -c "$lock" -e "$spec"); }; then
            say "uv could not install; trying pip"
            (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
                -c "$lock" -e "$spec") || die "pip install failed"
        fi
        echo "$want" >"$stamp"
    fi
    # The project's own modules too (only those changed since are compiled again).
    "$VENV/bin/python" -m compileall -q -j 0 "$ROOT/app" >/dev/null || die "app/ does not compile"
}
