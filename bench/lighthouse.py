"""Lighthouse, mobile, on the landing, step and history pages: medians of a few runs.

    make audit-pages                      # installs Lighthouse from package.json first
    python bench/lighthouse.py --runs 5   # once node_modules/ is there

Starts gunicorn on a loopback port with production settings on a throwaway
SQLite database, prepares the same people as bench/pages.py (Pat, through
the safety gate, with a session at a step and a finished one), and runs the
npm registry's `lighthouse` (pinned in package.json) against Debian's
chromium with the offline flags: its default mobile form factor (a
mid-range phone on a slow 4G network, simulated) and every category. Pages
for the signed-in get Pat's session cookie through --extra-headers. Each
page is audited --runs times in turn; the performance score depends on how
busy the CPU is, so the medians are printed, with the machine's load, and
the audits that kept a category below 100.

Budget (docs/benchmarks.md): 100 for performance, accessibility and best practices
on each page. Exits 1 when a median is below that.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CHROMIUM_FLAGS, PROJECT, bench_environment, gunicorn, manage, median
from bench.pages import prepare

LIGHTHOUSE = PROJECT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
BUDGETED = ["performance", "accessibility", "best-practices"]
# The lab metrics behind the performance score (simulated, in ms; CLS unitless).
METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
    "SI": "speed-index",
}
PAGES = ["landing", "step", "history"]
RETRIES = 2


def lighthouse(url: str, cookie: str | None, chromium: str, report: Path) -> dict:
    """One Lighthouse run; its report's JSON.

    Now and then, on a busy machine, chromium's trace of the load comes back
    incomplete (NO_NAVSTART, NO_FCP): Lighthouse then asks to run it again,
    and so does this, up to RETRIES times (counted in the report's "retries").
    """
    retries = 0
    result = _lighthouse_once(url, cookie, chromium, report)
    while result.get("runtimeError") and retries < RETRIES:
        retries += 1
        result = _lighthouse_once(url, cookie, chromium, report)
    result["retries"] = retries
    return result


def _lighthouse_once(url: str, cookie: str | None, chromium: str, report: Path) -> dict:
    report.unlink(missing_ok=True)
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=" + " ".join(CHROMIUM_FLAGS),
        "--max-wait-for-load=30000",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"sessionid={cookie}"}))
    finished = subprocess.run(
        command,
        env={**os.environ, "CHROME_PATH": chromium},
        timeout=180,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if not report.exists():
        raise SystemExit(f"Lighthouse failed on {url}:\n{finished.stderr[-2000:]}")
    return json.loads(report.read_text())


def scores(result: dict) -> dict[str, int]:
    return {name: round((result["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def shortfalls(result: dict) -> list[str]:
    """The scored audits that did not pass, as "category: audit (what it measured)"."""
    lines = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                lines.append(f"{name}: {ref['id']} {audit['score']:.2f}{shown}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="per page (default 3)")
    parser.add_argument("--keep", type=Path, help="a folder to keep the JSON reports in")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's chromium is not installed: apt-get install chromium")
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make audit-pages` (or `npm ci`).")

    started = time.monotonic()
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {page: [] for page in PAGES}
    with tempfile.TemporaryDirectory(prefix="backrelief-lighthouse-") as workdir:
        env = bench_environment(Path(workdir), None)
        manage(env, "collectstatic", "--no-input")
        audience = prepare(env)
        paths = {name: (path, person) for name, path, person in audience.pages}
        reports = args.keep or Path(workdir)
        reports.mkdir(parents=True, exist_ok=True)
        with gunicorn(env) as base:
            for run in range(args.runs):  # pages in turn, so a busy moment hits them all
                for page in PAGES:
                    path, person = paths[page]
                    cookie = audience.cookies[person] if person else None
                    report = reports / f"{page}-{run + 1}.json"
                    result = lighthouse(base + path, cookie, chromium, report)
                    if result.get("runtimeError"):
                        error = result["runtimeError"]
                        raise SystemExit(f"{page}: {error['code']} {error['message']}")
                    final = result.get("finalDisplayedUrl", "")
                    if not final.endswith(path):
                        raise SystemExit(f"{page}: Lighthouse ended up at {final}, not {path}")
                    runs[page].append(result)
    load_after = os.getloadavg()

    version = runs[PAGES[0]][0]["lighthouseVersion"]
    print(
        f"Lighthouse {version}, mobile (simulated slow 4G, 4x CPU slowdown), chromium, "
        f"median of {args.runs} runs per page"
    )
    print(f"{'page':<10}" + "".join(f"{name:>16}" for name in CATEGORIES) + "   runs (P/A/BP/SEO)")
    failed = False
    for page in PAGES:
        per_run = [scores(result) for result in runs[page]]
        medians = {name: median([s[name] for s in per_run]) for name in CATEGORIES}
        failed |= any(medians[name] < 100 for name in BUDGETED)
        listed = " ".join("/".join(str(s[name]) for name in CATEGORIES) for s in per_run)
        print(
            f"{page:<10}" + "".join(f"{medians[name]:>16g}" for name in CATEGORIES) + f"   {listed}"
        )
    print("medians of the metrics: " + ", ".join(METRICS) + " (ms, CLS unitless), bytes")
    for page in PAGES:
        values = {
            label: median([result["audits"][audit]["numericValue"] for result in runs[page]])
            for label, audit in METRICS.items()
        }
        weight = median([r["audits"]["total-byte-weight"]["numericValue"] for r in runs[page]])
        print(
            f"  {page:<8} "
            + "  ".join(f"{label} {value:.0f}" for label, value in values.items() if label != "CLS")
            + f"  CLS {values['CLS']:.3f}  {weight / 1024:.1f} KB"
        )
    for page in PAGES:
        misses = sorted({line for result in runs[page] for line in shortfalls(result)})
        for line in misses:
            print(f"  {page}: {line}")
    retries = sum(result["retries"] for page in PAGES for result in runs[page])
    if retries:
        print(f"runs repeated after an incomplete trace (NO_NAVSTART and the like): {retries}")
    print(
        "load average (1 min) before/after: "
        f"{load_before[0]:.2f}/{load_after[0]:.2f} on {os.cpu_count()} CPUs"
    )
    verdict = "FAIL" if failed else "PASS"
    print(f"budget: 100 performance, accessibility, best practices on each page: {verdict}")
    print(f"({time.monotonic() - started:.0f} s)")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
