"""The wheel holds every package of the checkout: pyproject lists its packages by hand (the
package-dir mapping hides train/ and export/ from find_packages), so a new sub-package must be
added there, or the installed app fails to import it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOTS = {"finlocal": ROOT / "finlocal", "finlocal.train": ROOT / "train", "finlocal.export": ROOT / "export"}

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")


def test_every_package_of_the_checkout_is_in_the_wheels_list() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for name, root in ROOTS.items():
        for init in root.rglob("__init__.py"):
            if "models" in init.relative_to(root).parts:
                continue
            parts = init.parent.relative_to(root).parts
            found.add(".".join((name, *parts)))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
