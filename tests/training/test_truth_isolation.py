"""Only evaluation may call the synthetic world's hidden truth: training and ranking never do.

The truth (``seed.world.truth``) is what the history was drawn from; a ranker that read it
would look perfect on the world and be useless on real data. Evaluation code receives it as
a callable from the CLI (``api/commands/training.py``) or the bench scripts.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRUTH_NAMES = {"true_stability", "stability_factors", "employer_quality"}
ALLOWED = {
    ROOT / "api/commands/training.py",   # `jingmeng train/evaluate`: passes the truth to evaluation
    ROOT / "api/commands/seed_demo.py",  # builds the demo world (the history is drawn from the truth)
}
CHECKED = sorted(p for layer in ("training", "matching", "models", "api") for p in (ROOT / layer).rglob("*.py")
                 if p not in ALLOWED)


def _truth_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("seed.world")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("seed.world") or (node.module == "seed" and
                                                        any(a.name == "world" for a in node.names)):
                found.add(node.module)
            found |= {a.name for a in node.names if a.name in TRUTH_NAMES}
        elif isinstance(node, ast.Name | ast.Attribute) and getattr(node, "id", getattr(node, "attr", "")) \
                in TRUTH_NAMES:
            found.add(getattr(node, "id", getattr(node, "attr", "")))
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_training_and_ranking_code_never_reach_the_truth(path: Path) -> None:
    assert not _truth_imports(path), f"{path.relative_to(ROOT)} reaches the world's truth"


def test_the_check_catches_a_leak(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from seed.world.truth import stability_factors\nimport numpy\n", encoding="utf-8")
    assert _truth_imports(leaky) == {"seed.world.truth", "stability_factors"}
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import seed.world as w\np = w.true_stability\n", encoding="utf-8")
    assert _truth_imports(sneaky) == {"seed.world", "true_stability"}


def test_importing_the_training_and_serving_modules_does_not_load_the_truth() -> None:
    code = ("import sys\n"
            "import training.pipeline, training.scoring, training.fairs, training.recommend, training.counterfactual\n"
            "import matching.rank, api.match_view\n"
            "print('seed.world.truth' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
