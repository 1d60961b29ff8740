"""The one place that reads the process environment.

Every setting that can vary between machines is read here, so `grep env(` in
`config/settings/` lists the whole configuration surface.
"""

from pathlib import Path

import environ

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
# Where a development run keeps its SQLite database, logs and e-mail files (the scripts in
# config/scripts read the same variable).
VAR_DIR = Path(env("KHEO_VAR_DIR", default=str(BASE_DIR / "var")))
