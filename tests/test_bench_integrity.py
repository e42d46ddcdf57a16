"""The integrity benchmark's fast profile: six people, double taps, stale replays, one crash.

`bench/integrity.py` runs gunicorn with production settings and drives it
over HTTP on a throwaway database of its own: a SQLite file in the SQLite
run; in the PostgreSQL run (DATABASE_URL points at a server) a fresh
database on that server, dropped afterwards.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Slow: gunicorn in a subprocess, killed mid-run.
pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent.parent


def test_people_tapping_through_a_server_crash_keep_every_round(tmp_path, bench_database_url):
    figures_path = tmp_path / "integrity.json"
    command = [
        sys.executable,
        "bench/integrity.py",
        "--users=6",
        "--restarts=1",
        "--time-limit=60",
        f"--json={figures_path}",
    ]
    if bench_database_url:
        command.append(f"--database-url={bench_database_url}")

    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=180, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(figures_path.read_text())
    assert figures["database"].startswith("PostgreSQL" if bench_database_url else "SQLite")
    assert figures["finished"] == 6
    assert figures["rounds_min"] == figures["rounds_max"] == 9
    assert figures["rounds"] == 6 * 9
    assert figures["duplicates"] == figures["skipped"] == 0
    assert figures["server_errors"] == figures["errors"] == 0
    # It did what it says: doubled taps, replayed stale forms, crashed and resumed.
    assert figures["double_taps"]["Done"] > 0
    assert figures["stale_replays"] > 0
    assert [restart["kind"] for restart in figures["restarts"]] == ["SIGKILL"]
    assert figures["resumes"] >= figures["restarts"][0]["in_progress"] > 0
