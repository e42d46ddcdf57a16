"""The benchmark tools that need no load generator still run and measure something.

`bench/profile_step.py` once broke unnoticed (the safety gate sent its user
to the disclaimer); these small runs keep it and `bench/throughput.py`
honest in every CI run.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Slow: gunicorn and wrk in subprocesses.
pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent.parent


def run(*command: str) -> str:
    result = subprocess.run(
        [sys.executable, *command],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def milliseconds(output: str, label: str) -> float:
    match = re.search(rf"^\s*{re.escape(label)}\s+([0-9.]+) ms", output, re.MULTILINE)
    assert match, f"no {label!r} in:\n{output}"
    return float(match.group(1))


def test_the_step_page_profile_accounts_for_every_part():
    output = run("bench/profile_step.py", "--requests=40")
    trivial, step = milliseconds(output, "trivial view"), milliseconds(output, "step page")
    assert 0 < trivial < step
    parts = {
        "template, context processors, CSRF token",
        "training session and protocol (one query)",
        "user (the auth middleware's query)",
        "login session (db)",
        "safety gate (no query)",
    }
    for part in parts:
        assert milliseconds(output, part) > 0


@pytest.mark.skipif(
    not (shutil.which("wrk") and shutil.which("redis-server")) and not os.environ.get("CI"),
    reason="needs wrk and redis-server: apt-get install wrk redis-server (CI installs them)",
)
def test_the_throughput_run_serves_every_page_with_redis_as_the_cache():
    """gunicorn with every cache in a throwaway Redis: the step page itself, no error."""
    output = run(
        "bench/throughput.py",
        "--redis",
        "--users=2",
        "--rounds=1",
        "--seconds=1",
        "--connections=2",
    )
    assert "-- SQLite + Redis" in output
    rows = re.findall(
        r"^(trivial|signed-in|step)\s+(\d+)\s+[0-9.]+\s+[0-9.]+\s+(\d+)\s", output, re.MULTILINE
    )
    assert [page for page, _, _ in rows] == ["trivial", "signed-in", "step"]
    for _, rate, errors in rows:
        assert int(rate) > 0
        assert errors == "0"
