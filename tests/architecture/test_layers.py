"""The layers of DESIGN.md §3, as import-linter checks them with the contracts in pyproject.toml:
the engine and the forecasts import no Django and no other part of PairAid; a domain app's models,
services and queries import no pages, API, web or dashboard code; inside operations, imports
point down from the pages and the API to the models. `make lint` runs the same contracts
(`lint-imports`)."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"
DOMAIN_APPS = (
    "registry",
    "programmes",
    "pairing",
    "operations",
    "projects",
    "accounts",
    "scenarios",
)
FORBIDDEN_TO_THE_DOMAIN = {"pairaid.web", "pairaid.dashboard", "pairaid.*.views", "pairaid.*.api"}


def contracts() -> dict[str, dict[str, Any]]:
    options = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in options["contracts"]}


def test_each_domain_app_the_engine_and_the_forecasts_have_their_contract():
    found = contracts()
    for contract_id, library in (
        ("engine-pure", "pairaid.engine"),
        ("forecast-pure", "pairaid.forecast"),
    ):
        assert {library} == set(found[contract_id]["source_modules"])
        assert {"django", "pairaid.*"} <= set(found[contract_id]["forbidden_modules"])
    for app in DOMAIN_APPS:
        contract = found[f"{app}-domain"]
        sources = set(contract["source_modules"])
        assert {f"pairaid.{app}.models"} <= sources
        assert not any(m.endswith((".views", ".api", ".urls")) for m in sources)
        assert set(contract["forbidden_modules"]) >= FORBIDDEN_TO_THE_DOMAIN


def lint(source: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with the project's contracts (those named, or all) on the package in
    `source`."""
    command = Path(sys.executable).with_name("lint-imports")
    chosen = [option for cid in contract_ids for option in ("--contract", cid)]
    return subprocess.run(
        [str(command), "--no-cache", *chosen, str(CONFIG)],
        cwd=source.parent,
        env={**os.environ, "PYTHONPATH": str(source)},  # before the installed sources
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_with_import(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package's modules in which `module` has one more line."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "pairaid",
        copy / "pairaid",
        ignore=shutil.ignore_patterns("static", "templates", "locale", "bundles", "__pycache__"),
    )
    path = copy.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return copy


def test_the_imports_keep_every_contract():
    result = lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in contracts().values():
        assert f"{contract['name']} KEPT" in result.stdout
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    "module, line, contract, chain",
    [
        (
            "pairaid.operations.services.funds",
            "from pairaid.web import health",
            "operations-domain",
            "pairaid.operations.services.funds -> pairaid.web.health",
        ),
        (
            "pairaid.pairing.engine_messages",
            "from pairaid.dashboard.templatetags import pairaid_format",
            "pairing-domain",
            "pairaid.pairing.engine_messages -> pairaid.dashboard.templatetags.pairaid_format",
        ),
        (
            "pairaid.engine.instance",
            "import django.db",
            "engine-pure",
            "pairaid.engine.instance -> django",
        ),
        (
            "pairaid.forecast.scoring",
            "from pairaid.registry import models",
            "forecast-pure",
            "pairaid.forecast.scoring -> pairaid.registry.models",
        ),
        (
            "pairaid.operations.queries.gaps",
            "from pairaid.operations.services import funds",
            "operations-layers",
            "pairaid.operations.queries.gaps -> pairaid.operations.services.funds",
        ),
    ],
)
def test_a_real_violation_breaks_its_contract(tmp_path, module, line, contract, chain):
    kept = lint(copy_with_import(tmp_path / "unchanged", module, ""), contract)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    broken = lint(copy_with_import(tmp_path / "violation", module, line), contract)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"{contracts()[contract]['name']} BROKEN" in broken.stdout
    assert chain in " ".join(broken.stdout.split())
