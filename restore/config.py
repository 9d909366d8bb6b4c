"""Config: the `[tool.restore]` table of the nearest pyproject.toml in, defaults for the CLI out.

A project sets its CI gate once instead of on every command line:

    [tool.restore]
    fail-above = 0.5   # `restore score` fails a document whose spin score is above this
    threshold = 0.6    # `restore --auto` applies suggestions at or above this confidence
    min-spin = 0.5     # ... but only near-certain ones in documents scored under this
    jobs = 2           # worker processes for a batch

`load_config()` looks for pyproject.toml in the current folder and then its parents,
the way ruff and pytest find theirs, and reads the first one found; a command-line
option always wins over it. A missing table gives the defaults; a malformed file,
an unknown key or a value out of range is a `ConfigError` that names the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from restore.analysis import MIN_SPIN
from restore.errors import RestoreError

DEFAULT_FAIL_ABOVE = 0.5
MAX_JOBS = 256  # worker processes; more is a typo, and would overflow the pool's limits


class ConfigError(RestoreError):
    """pyproject.toml cannot be read or its `[tool.restore]` table is wrong."""

    exit_code = 2


@dataclass(frozen=True)
class Config:
    """Defaults for the CLI; `threshold` None means the model's own."""

    fail_above: float = DEFAULT_FAIL_ABOVE
    threshold: float | None = None
    min_spin: float = MIN_SPIN
    jobs: int = 1
    source: Path | None = None  # the pyproject.toml it came from, for messages


def load_config(start: Path | None = None) -> Config:
    """The `[tool.restore]` settings of the pyproject.toml nearest to `start` (default: cwd)."""
    path = find_pyproject(Path.cwd() if start is None else start)
    if path is None:
        return Config()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("restore", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}; fix it or run from another folder") \
            from None
    unknown = sorted(set(table) - {"fail-above", "threshold", "min-spin", "jobs"})
    if unknown:
        raise ConfigError(
            f"{path}: [tool.restore] has unknown key(s) {', '.join(unknown)}; "
            "known keys are fail-above, threshold, min-spin and jobs"
        )
    return Config(
        fail_above=_probability(table, "fail-above", DEFAULT_FAIL_ABOVE, path),
        threshold=_probability(table, "threshold", None, path),
        min_spin=_probability(table, "min-spin", MIN_SPIN, path),
        jobs=_jobs(table, path),
        source=path,
    )


def find_pyproject(start: Path) -> Path | None:
    """The first pyproject.toml in `start` or one of its parents, None if there is none."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate / "pyproject.toml"
    return None


def is_probability(value: object) -> bool:
    """True for a number from 0 to 1 read from a settings file (JSON, TOML)."""
    # bool is an int in Python but `fail-above = true` is a mistake, not 1.0.
    return (not isinstance(value, bool) and isinstance(value, int | float)
            and 0 <= value <= 1)


def _probability(table: dict, key: str, default: float | None, path: Path) -> float | None:
    value = table.get(key, default)
    if value is not default and not is_probability(value):
        raise ConfigError(f"{path}: [tool.restore] {key} must be a number from 0 to 1, "
                          f"not {value!r}")
    return None if value is None else float(value)


def _jobs(table: dict, path: Path) -> int:
    value = table.get("jobs", 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_JOBS:
        raise ConfigError(f"{path}: [tool.restore] jobs must be a whole number from 1 to "
                          f"{MAX_JOBS}, not {value!r}")
    return value
