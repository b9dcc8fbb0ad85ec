"""Where finlocal keeps user state: one function decides, with an environment override."""

from __future__ import annotations

import os
from pathlib import Path


def user_dir() -> Path:
    """``$FINLOCAL_HOME``, else ``$XDG_CACHE_HOME/finlocal``, else ``~/.cache/finlocal``.

    Holds assembled weights and other re-creatable state; tests point FINLOCAL_HOME at tmp_path.
    """
    override = os.environ.get("FINLOCAL_HOME")
    if override:
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME")
    return (Path(cache) if cache else Path.home() / ".cache") / "finlocal"
