"""`make run` in a real pseudo-terminal: what a newcomer sees, and that stopping it leaves nothing behind.

Each run gets its own var directory (KHEO_VAR_DIR), web port and Redis port (so the run starts
and must stop its own redis-server), and a marker in its environment: every process the run
starts inherits it, so "nothing left" means no process on the machine carries the marker.
The first run seeds the demo; the others start from a copy of its database.
"""

import os
import re
import shutil
import signal
import socket
import time
import urllib.request
import uuid
from pathlib import Path

import pexpect
import pytest
import redis

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 300
STOP_TIMEOUT = 60
DEMO_LOGINS = ["donvi", "thuongtruc", "khaosat", "hoidong1", "hoidong2", "hoidong3", "truongban", "quantri", "kiemtra"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_state(pid: int) -> str:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return f"{state} {Path(f'/proc/{pid}/wchan').read_text()}"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return "gone"


def marked_pids(marker: str) -> dict[int, str]:
    """pid -> command line of every live process whose environment carries the marker."""
    found = {}
    needle = f"KHEO_RUN_MARKER={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def wait_until(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def terminal_signal_defaults():
    """In the child: signal dispositions as a login terminal gives them (this test may run under a
    parent that ignores SIGINT, as any background job does, and Python ignores SIGPIPE)."""
    for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(number, signal.SIG_DFL)


class Run:
    """One `make run` in a pseudo-terminal, its output sent where `shell_suffix` says."""

    def __init__(
        self, var_dir: Path, shell_suffix: str = "", output_file: Path | None = None, interactive: bool = False
    ):
        self.var_dir = var_dir
        self.output_file = output_file
        self.port = free_port()
        self.redis_port = free_port()
        self.marker = uuid.uuid4().hex
        env = {
            **os.environ,
            "KHEO_VAR_DIR": str(var_dir),
            "PORT": str(self.port),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "KHEO_RUN_MARKER": self.marker,
            "TERM": "xterm",
            "LESS": "",
            "HISTFILE": "/dev/null",
        }
        # A fresh `make run`, not a sub-make of `make test` nor a copy of the test settings.
        for name in (
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "KHEO_SITE_URL",
            "EMAIL_BACKEND",
            "EMAIL_FILE_PATH",
            "KHEO_STARTED_AT",
            "MAKEFLAGS",
            "MFLAGS",
            "MAKELEVEL",
        ):
            env.pop(name, None)
        if interactive:
            # A person's terminal: an interactive shell leads the session and runs the command as a
            # job; when the terminal goes away, that shell passes the hang-up on to its jobs.
            command = ["--norc", "--noprofile", "-i"]
        elif shell_suffix.startswith("|"):
            command = ["-c", f"make run {shell_suffix}"]
        else:
            # `exec`: make itself is the process a signal sent to "the command" reaches.
            command = ["-c", f"exec make run {shell_suffix}"]
        self.child = pexpect.spawn(
            "bash",
            command,
            cwd=str(ROOT),
            env={**env, "PS1": "$ "},
            encoding="utf-8",
            timeout=READY_TIMEOUT,
            dimensions=(50, 200),
            preexec_fn=terminal_signal_defaults,
        )
        if interactive:
            self.child.sendline(f"make run {shell_suffix}")
        self.screen = ""

    def read_available(self) -> str:
        if self.child.closed:
            return ANSI.sub("", self.screen)
        try:
            while True:
                self.screen += self.child.read_nonblocking(65536, timeout=0.2)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        return ANSI.sub("", self.screen)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serves(self) -> bool:
        try:
            urllib.request.urlopen(self.url("/accounts/login/"), timeout=2)
        except OSError:
            return False
        return True

    def redis_answers(self) -> bool:
        with socket.socket() as probe:
            probe.settimeout(1)
            return probe.connect_ex(("127.0.0.1", self.redis_port)) == 0

    def printed(self) -> str:
        """What the run printed so far: on the terminal, or in the file its output was sent to."""
        screen = self.read_available()
        if self.output_file is not None and self.output_file.exists():
            return screen + self.output_file.read_text(errors="replace")
        return screen

    def wait_ready(self):
        """Until the run has printed its ready block (the web server answers a little before)."""
        assert wait_until(lambda: "Ctrl-C" in self.printed() and self.serves(), READY_TIMEOUT, 1), (
            f"make run did not serve within {READY_TIMEOUT} s:\n{self.read_available()[-3000:]}"
        )

    def wait_for_file(self, relative: str):
        path = self.var_dir / relative
        assert wait_until(lambda: self.read_available() is not None and path.exists(), READY_TIMEOUT, 0.2), (
            f"{relative} never appeared:\n{self.read_available()[-3000:]}"
        )

    def assert_nothing_left(self, allowed_pids=()):
        def left() -> dict[int, str]:
            return {pid: command for pid, command in marked_pids(self.marker).items() if pid not in allowed_pids}

        wait_until(lambda: not left(), STOP_TIMEOUT, 0.5)
        states = {pid: (process_state(pid), command) for pid, command in left().items()}
        assert not states, f"still alive {STOP_TIMEOUT} s after the stop: {states}\n{self.read_available()[-3000:]}"
        assert not self.serves()
        # redis-server rewrites its process title over its environment, so it is found by its port.
        assert not self.redis_answers()

    def hang_up(self):
        """Close the terminal, as when its window is closed."""
        os.close(self.child.child_fd)
        self.child.closed = True

    def kill_everything(self):
        """Test clean-up only: never leave a run behind, even when an assertion failed."""
        for pid in marked_pids(self.marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.redis_answers():
            # redis-server is not found by the marker (it rewrites its environment): stop it by its port.
            try:
                redis.Redis(port=self.redis_port, socket_timeout=2).shutdown(nosave=True)
            except redis.exceptions.ConnectionError:
                pass  # the shutdown closes the connection it came on
        if not self.child.closed:
            self.child.close(force=True)


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory) -> Path:
    """A demo database seeded by a first `make run`, in a terminal, stopped with Ctrl-C."""
    var_dir = tmp_path_factory.mktemp("first-run")
    run = Run(var_dir)
    try:
        run.wait_ready()
        mail_dir = var_dir / "mail"
        assert wait_until(lambda: list(mail_dir.glob("*.log")), 120, 1), "the worker sent no demo e-mail to var/mail/"
        run.child.sendintr()
        run.assert_nothing_left()
        run.child.expect(pexpect.EOF, timeout=STOP_TIMEOUT)
        run.screen += run.child.before
        run.child.close()
        # make ends the way programs end on Ctrl-C (by the signal), without reporting an error.
        assert (run.child.exitstatus, run.child.signalstatus) in ((0, None), (None, signal.SIGINT))
        assert "Error" not in run.screen
    finally:
        run.kill_everything()
    (var_dir / "first-run-output.txt").write_text(run.read_available())
    (var_dir / "first-run-port.txt").write_text(str(run.port))
    return var_dir


def fresh_var(tmp_path, seeded_database: Path) -> Path:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    shutil.copy(seeded_database / "kheo.sqlite3", var_dir / "kheo.sqlite3")
    return var_dir


def test_first_run_ends_with_a_short_block_a_person_can_read(seeded_database):
    output = (seeded_database / "first-run-output.txt").read_text()
    port = (seeded_database / "first-run-port.txt").read_text()
    until_ready = output[: output.index("Ctrl-C") + len("Ctrl-C")]
    lines = [line for line in until_ready.splitlines() if line.strip()]
    assert "Traceback" not in output
    # One line per process event (Redis, migrations, demo data, each process), then the ready block.
    assert len(lines) <= 22, output
    block = output[output.index("Khéo đã sẵn sàng") :]
    assert f"http://127.0.0.1:{port}/" in block
    for login in DEMO_LOGINS:
        assert login in block
    assert "kheo-demo-2026" in block
    assert f"{seeded_database}/log/" in block
    assert f"{seeded_database}/mail/" in block
    assert "Ctrl-C" in block
    # Demo e-mails are files, not console output.
    assert "Subject:" not in output
    assert "Content-Type:" not in output


def test_demo_emails_link_to_the_port_the_run_serves(seeded_database):
    port = (seeded_database / "first-run-port.txt").read_text()
    bodies = "".join(path.read_text() for path in (seeded_database / "mail").glob("*.log"))
    links = set(re.findall(r"https?://[^/\s]+", bodies))
    assert links == {f"http://127.0.0.1:{port}"}


@pytest.mark.parametrize(
    ("shell_suffix", "moment", "how"),
    [
        pytest.param("| tee run.log", "ready", "ctrl-c", id="tee-ctrl-c-when-ready"),
        pytest.param("| tail -n 3", "seeding", "ctrl-c", id="tail-ctrl-c-while-seeding"),
        pytest.param("> run.log 2>&1", "ready", "term", id="file-term-to-make-when-ready"),
        pytest.param("", "seeding", "term", id="terminal-term-to-make-while-seeding"),
        pytest.param("", "ready", "hup", id="terminal-closed-when-ready"),
        pytest.param("2>&1 | tee run.log", "ready", "hup", id="tee-terminal-closed-when-ready"),
        pytest.param("", "seeding", "hup", id="terminal-closed-while-seeding"),
    ],
)
def test_stopping_make_run_leaves_no_process(tmp_path, seeded_database, shell_suffix, moment, how):
    var_dir = fresh_var(tmp_path, seeded_database)
    output_file = tmp_path / "run.log"
    run = Run(
        var_dir, shell_suffix.replace("run.log", str(output_file)), output_file=output_file, interactive=how == "hup"
    )
    try:
        if moment == "ready":
            run.wait_ready()
        else:
            run.wait_for_file("log/seed-demo.log")
        if how == "ctrl-c":
            run.child.sendintr()
        elif how == "term":
            os.kill(run.child.pid, signal.SIGTERM)
        else:
            run.hang_up()
        run.assert_nothing_left()
    finally:
        run.kill_everything()


def test_ctrl_c_with_output_paged_by_less_stops_the_run_and_leaves_less_to_the_user(tmp_path, seeded_database):
    var_dir = fresh_var(tmp_path, seeded_database)
    run = Run(var_dir, "| less")
    try:
        run.wait_ready()
        run.child.sendintr()
        pager = {pid for pid, command in marked_pids(run.marker).items() if command.startswith("less")}
        wrapper = {run.child.pid}
        run.assert_nothing_left(allowed_pids=pager | wrapper)
        run.child.send("q")
        run.child.expect(pexpect.EOF, timeout=STOP_TIMEOUT)
        run.assert_nothing_left()
    finally:
        run.kill_everything()
