"""The matching engine imports none of the other layers (it must stay pure)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

FORBIDDEN = {"flask", "sqlalchemy", "api", "models", "training", "seed"}
MATCHING = Path(__file__).resolve().parents[2] / "matching"


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level >= 2:
            roots.add("..")  # relative import reaching out of matching/
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "__import__", "import_module") and node.args and isinstance(node.args[0], ast.Constant):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def test_matching_package_has_modules() -> None:
    assert len(list(MATCHING.glob("*.py"))) >= 5


@pytest.mark.parametrize("path", sorted(MATCHING.rglob("*.py")), ids=lambda p: p.name)
def test_matching_module_imports_no_other_layer(path: Path) -> None:
    bad = _imported_roots(path) & (FORBIDDEN | {".."})
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "leaky.py"
    module.write_text("import numpy\nfrom sqlalchemy.orm import Session\n", encoding="utf-8")
    assert _imported_roots(module) & FORBIDDEN == {"sqlalchemy"}
