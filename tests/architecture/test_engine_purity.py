"""The pairing engine is a pure library: nothing in it imports Django, the database or the web."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "src" / "pairaid" / "engine"
FORBIDDEN = ("django", "simple_history", "psycopg", "sqlite3", "dj_database_url", "requests")
ALLOWED_PAIRAID = ("pairaid.engine",)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_engine_exists_and_has_modules():
    assert (ENGINE / "__init__.py").is_file()


def test_engine_imports_nothing_from_django_or_the_database():
    offences = []
    for path in sorted(ENGINE.rglob("*.py")):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in FORBIDDEN or (top == "pairaid" and not module.startswith(ALLOWED_PAIRAID)):
                offences.append(f"{path.relative_to(ENGINE.parent)}:{line} imports {module}")
    assert offences == []


def test_the_check_itself_catches_a_django_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport pairaid.registry\n")
    assert [m for _, m in _imports(bad)] == ["django.db", "pairaid.registry"]
