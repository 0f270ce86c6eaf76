"""The layout's contract: packages by stage, imports pointing one way, SQL where it belongs.

Data flows statement file → parse → ingest → store → search / agreed language → web → CLI;
imports point the other way, down the stages each package may use. Read from the source with
`ast`, so a violation fails `make test` however it was written (module level or in a function).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "parse": {"core"},
    "store": {"core", "parse"},
    "search": {"core", "parse", "store"},
    "language": {"core", "parse", "store"},
    "ingest": {"core", "parse", "store", "search", "language"},
    "web": {"core", "parse", "store", "search", "language"},
    "cli": {"core", "parse", "store", "search", "language", "ingest", "web"},
}
"""For each stage, the other stages it may import (its own modules always)."""

ENGINE_PACKAGES = {
    "app.store.sqlite": "store",
    "app.search.fts5": "search",
    "app.language.sqlite": "language",
}
"""Engine-specific implementations, reached from outside their stage only through its services."""

SQL_RE = re.compile(
    r"\b(?:SELECT\b[\s\S]*\bFROM|INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(?:TEMP\s+|VIRTUAL\s+)?TABLE|PRAGMA)\b"
)
FTS5_RE = re.compile(
    r"paragraph_fts|\bMATCH\b|\bbm25\s*\(|\bhighlight\s*\(|\bsnippet\s*\(|fts5vocab"
)


def _modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else None


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from app.store import queries` imports app.store.queries
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name == "app" or name.startswith("app.")]


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_every_module_belongs_to_a_stage() -> None:
    loose = [_name(p) for p in _modules() if _stage(_name(p)) is None and _name(p) != "app"]
    assert loose == [], "modules outside the stage packages (app/<stage>/ or app/cli.py)"


def test_every_package_says_what_it_owns_and_may_import() -> None:
    for init in APP.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert len(doc) > 80, f"{init.relative_to(APP.parent)} needs a docstring"
        if init.parent.name not in ("core",):
            assert "import" in doc or "Imports" in doc, init


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_imports_point_down_the_stages(path: Path) -> None:
    here = _name(path)
    stage = _stage(here)
    if stage is None:
        return
    wrong = []
    for line, target in _imports(path):
        other = _stage(target)
        if other is not None and other != stage and other not in MAY_IMPORT[stage]:
            wrong.append(f"line {line}: {here} ({stage}) imports {target} ({other})")
    assert wrong == []


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_engine_implementations_are_reached_through_services(path: Path) -> None:
    here = _name(path)
    wrong = []
    for line, target in _imports(path):
        for package, stage in ENGINE_PACKAGES.items():
            inside = here == package or here.startswith(package + ".")
            reaches = target == package or target.startswith(package + ".")
            # Only the stage that owns an implementation chooses it.
            if reaches and not inside and _stage(here) != stage:
                wrong.append(f"line {line}: {here} imports {target}")
    assert wrong == []


def test_routes_hold_no_sql() -> None:
    for path in sorted((APP / "web" / "routes").glob("*.py")):
        for line, target in _imports(path):
            assert not target.startswith(("app.store.sqlite", "app.search.fts5")), (path, line)
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("sqlalchemy", "sqlmodel"):
                names = {a.name for a in node.names}
                assert not names & {"text", "select", "func", "col"}, f"{path.name}:{node.lineno}"
        for line, value in _strings(path):
            assert not SQL_RE.search(value), f"SQL in {path.name}:{line}: {value[:60]!r}"


def test_fts5_sql_lives_in_store_and_search_only() -> None:
    for path in _modules():
        if _stage(_name(path)) in ("store", "search"):
            continue
        for line, value in _strings(path):
            if SQL_RE.search(value) or "MATCH" in value:
                assert not FTS5_RE.search(value), f"FTS5 SQL in {_name(path)}:{line}"


DRIVER_LEVEL = ("app.store.sql", "app.store.sqlite", "app.store.postgres", "app.search.fts5")


def test_only_engine_code_talks_to_a_driver_directly() -> None:
    """A driver's own connection speaks its own dialect (sqlite3 takes `?`, psycopg `%s`):
    everything else goes through SQLAlchemy or `app.store.sql`, which work on both engines."""
    for path in _modules():
        name = _name(path)
        if name.startswith(DRIVER_LEVEL):
            continue
        text = path.read_text()
        assert "driver_connection" not in text, f"{name} uses a driver connection directly"
        assert "import sqlite3" not in text or name == "app.cli", f"{name} imports sqlite3"


def test_the_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """The checks above can fail: a parse module importing the store is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from app.store.models import Statement\nfrom app.web import app\n")
    targets = [t for _, t in _imports(bad)]
    assert [t for t in targets if _stage(t) not in MAY_IMPORT["parse"] | {"parse", None}] == [
        "app.store.models",
        "app.store.models.Statement",
        "app.web",
        "app.web.app",
    ]
    assert SQL_RE.search("SELECT rowid FROM paragraph_fts WHERE paragraph_fts MATCH ?")
    assert FTS5_RE.search("SELECT rowid FROM paragraph_fts WHERE paragraph_fts MATCH ?")
