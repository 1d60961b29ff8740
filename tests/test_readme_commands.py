"""Every `manage.py` command the README shows works in the README's order, from a fresh clone.

Run before the database exists, a command that needs it says so in one Vietnamese line (never a
traceback); once migrated, it does what the README says (`# → value` comments are checked).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
COMMAND = re.compile(r"^\s*\.venv/bin/python (manage\.py [^#]+?)\s*(?:#\s*(?:→\s*(?P<expected>\S+))?.*)?$")


def readme_commands() -> list[tuple[str, str | None]]:
    """(command, expected output or None) for each manage.py line of the README's code blocks, in order."""
    commands, in_block = [], False
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.strip().startswith("```"):
            in_block = not in_block
            continue
        match = COMMAND.match(line) if in_block else None
        if match:
            commands.append((match.group(1), match.group("expected")))
    return commands


def run(command: str, var_dir: Path) -> subprocess.CompletedProcess:
    """The command as a person would type it, in a scratch directory: files it names by a relative
    path land there, and an absolute path (/etc/kheo/…) is taken under the scratch directory too."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(KHEO_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings.dev")
    workdir = var_dir / "cwd"
    workdir.mkdir(exist_ok=True)
    script, *arguments = command.split()
    arguments = [str(workdir / name.lstrip("/")) if name.startswith("/") else name for name in arguments]
    return subprocess.run(
        [sys.executable, str(ROOT / script), *arguments],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_readme_shows_the_working_days_examples():
    assert ("manage.py working_days add 2026-04-24 3", "2026-05-04") in readme_commands()
    assert ("manage.py working_days between 2026-04-24 2026-05-04", "3") in readme_commands()


def test_readme_commands_on_a_fresh_database_then_after_migrate(tmp_path):
    commands = readme_commands()
    for command, _expected in commands:
        result = run(command, tmp_path)
        assert "Traceback" not in result.stderr, f"{command}:\n{result.stderr}"
        if result.returncode != 0:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, f"{command} should explain itself in one line:\n{result.stderr}"

    needs_database = run("manage.py working_days add 2026-04-24 3", tmp_path)
    assert needs_database.returncode == 1
    assert needs_database.stderr.strip() == (
        "Cơ sở dữ liệu chưa được tạo hoặc chưa cập nhật (còn "
        + re.search(r"còn (\d+) migration", needs_database.stderr).group(1)
        + " migration chưa áp dụng). Hãy chạy “make run” (hoặc “.venv/bin/python manage.py migrate”) trước, "
        "rồi chạy lại lệnh này."
    )

    assert run("manage.py migrate --noinput -v 0", tmp_path).returncode == 0
    for command, expected in commands:
        result = run(command, tmp_path)
        assert "Traceback" not in result.stderr, f"{command}:\n{result.stderr}"
        if expected is not None:
            assert (result.returncode, result.stdout.strip()) == (0, expected), f"{command}:\n{result.stderr}"
