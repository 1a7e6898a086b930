"""The pages' module lists (app/modules.py), read from small module trees written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.modules import closure, imports_of, module_script


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_every_static_import_form_is_read_and_nothing_else() -> None:
    source = """import { a,
  b as c,
} from './one.js';
import * as all from "./two.js";
import D, { e } from './three.js';
import './four.js';
export { f } from './five.js';
export * from './six.js';
// import g from './commented.js';
/* import h from './blocked.js'; */
const later = () => import('./dynamic.js');
const url = 'http://example.org/x.js';
const accept = '*/*';
export const name = 'from';
"""
    assert imports_of(source) == [
        "./one.js",
        "./two.js",
        "./three.js",
        "./four.js",
        "./five.js",
        "./six.js",
    ]


def test_the_closure_walks_folders_and_cycles_once_each(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "js/main.js": "import { a } from './a.js';\nimport { t } from './teach/t.js';\n",
            "js/a.js": "import { b } from './b.js';\nexport const a = 1;\n",
            "js/b.js": "import { a } from './a.js';\nimport('./lazy.js');\n",
            "js/teach/t.js": "import { b } from '../b.js';\nimport { main } from '../main.js';\n",
            "js/lazy.js": "",
        },
    )
    assert closure("js/main.js", root) == ("js/a.js", "js/teach/t.js", "js/b.js")
    assert closure("js/b.js", root) == ("js/a.js",)


def test_a_bare_specifier_is_refused(tmp_path: Path) -> None:
    root = write(tmp_path, {"js/main.js": "import x from 'lodash';\n"})
    with pytest.raises(ValueError, match="lodash"):
        closure("js/main.js", root)


def test_the_script_tag_comes_after_its_preloads() -> None:
    html = str(module_script("js/join.js"))
    assert html.endswith('<script type="module" src="/static/js/join.js"></script>')
    assert html.count('<link rel="modulepreload" href="/static/js/') == len(closure("js/join.js"))
