"""Run geoaid as a separate process, as a user does: unprivileged, or with a small disk.

Tests and CI run as root, and root ignores file modes (CAP_DAC_OVERRIDE), so
a 0444 workspace is writable for it. :func:`without_override` keeps uid 0 (the
interpreter under /root stays readable) but drops the two capabilities that
bypass file modes, with util-linux's ``setpriv``; then a 0444 file or a 0555
folder refuses writes exactly as for an ordinary user. When the tests run as
an ordinary user, modes apply anyway and the command runs as it is.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_DROP = ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]


def geoaid_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "geoaid", *map(str, args)]


def environment(**extra: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def without_override(command: list[str]) -> list[str]:
    """``command`` run so that file modes apply to it (see the module docstring)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("the tests run as root: setpriv (util-linux) is needed to drop CAP_DAC_OVERRIDE, "
                    "else read-only workspaces cannot be tested")
    return [setpriv, *_DROP, "--", *command]


def require_modes_apply(folder: Path) -> None:
    """Fail loudly (never skip) unless a process from :func:`without_override` is refused a
    0444 file and can still run the venv's Python."""
    probe = folder / "mode-probe"
    probe.write_text("x")
    probe.chmod(0o444)
    try:
        wrote = subprocess.run(without_override(["sh", "-c", f'echo y >> "{probe}"']),
                               capture_output=True).returncode == 0
    finally:
        probe.chmod(0o644)
        probe.unlink()
    if wrote:
        pytest.fail("a 0444 file is still writable for the test's subprocess: cannot test read-only "
                    "workspaces here")
    python = subprocess.run(without_override([sys.executable, "-c", "import geoaid, pyogrio"]),
                            capture_output=True, text=True, env=environment())
    if python.returncode != 0:
        pytest.fail(f"the unprivileged subprocess cannot run the venv's Python: {python.stderr[-500:]}")


def run_geoaid(*args, unprivileged: bool = False, file_size_limit: int | None = None,
               timeout: float = 300, input: str | None = None, **extra_env) -> subprocess.CompletedProcess:
    """Run ``geoaid ARGS`` to the end; optionally unprivileged, or with a file size limit that
    makes every write beyond it fail with EFBIG (what a full disk does to a writer)."""
    command = geoaid_command(*args)
    if unprivileged:
        command = without_override(command)

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, input=input,
                          env=environment(**extra_env),
                          preexec_fn=small_disk if file_size_limit is not None else None)


def assert_one_error_line(result: subprocess.CompletedProcess, *needles: str) -> str:
    """Exit non-zero with exactly one ``geoaid: error:`` line and no traceback; returns it."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("geoaid: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]
