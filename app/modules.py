"""The pages' ES modules: each page's script tag with a `<link rel="modulepreload">` for every
module its entry imports, directly or not.

Without the links a browser finds a module's imports only after fetching it, so the main page's
modules arrive level by level, one round trip per level, before its first graph is drawn. With
them every module is requested as soon as the HTML's head is read. The list is the static
import graph read from the files themselves, so it cannot drift from the code; a dynamic
`import()` is not followed (it loads when the page asks for it). The graph is read once per
process: a change to the modules' imports takes effect at the server's restart.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from markupsafe import Markup, escape

STATIC = Path(__file__).resolve().parent.parent / "static"

# `import … from '…'`, `import '…'`, `export … from '…'`, over several lines if need be;
# `import(…)` is not matched (no space or clause between `import` and the parenthesis)
STATIC_IMPORT = re.compile(
    r"""(?:^|[;}\n])\s*(?:import|export)(?:\s+[\w*${},\s]*?\sfrom)?\s*['"]([^'"\n]+)['"]"""
)
# comments that start a line or follow a space (not `//` in a URL, not `/*` in '*/*')
COMMENT = re.compile(r"(?:^|(?<=\s))(?:/\*.*?\*/|//[^\n]*)", re.DOTALL)


def imports_of(source: str) -> list[str]:
    """The specifiers a module imports statically, in the order written."""
    return STATIC_IMPORT.findall(COMMENT.sub("", source))


@functools.cache
def closure(entry: str, root: Path = STATIC) -> tuple[str, ...]:
    """Every module `entry` (a path under `root`, such as "js/main.js") imports, directly or
    through others, once each, breadth first, without `entry` itself."""
    seen = [entry]
    for path in seen:  # grows as it goes: a breadth-first walk
        for specifier in imports_of((root / path).read_text(encoding="utf-8")):
            if not specifier.startswith("."):
                raise ValueError(f"{path} imports {specifier!r}: only relative imports are served")
            target = (root / path).parent.joinpath(specifier).resolve().relative_to(root.resolve())
            if target.as_posix() not in seen:
                seen.append(target.as_posix())
    return tuple(seen[1:])


def module_script(entry: str) -> Markup:
    """The page's `<script type="module">` for static/`entry`, after a modulepreload link for
    each module it imports."""
    links = [
        f'<link rel="modulepreload" href="/static/{escape(path)}">\n' for path in closure(entry)
    ]
    script = f'<script type="module" src="/static/{escape(entry)}"></script>'
    return Markup("".join(links) + script)
