"""The one place that reads the process environment.

Every setting that can vary between machines is read here, so `grep env(` in
`config/settings/` lists the whole configuration surface.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
