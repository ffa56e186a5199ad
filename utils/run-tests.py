#!/usr/bin/env python3
"""Runs the whole w4a16 test suite (lit, then pytest) and prints one
`N passed, N failed, N skipped` line at the end. Exits non-zero if anything
failed."""
import json
import os
import re
import subprocess
import sys

LIT = "/usr/lib/llvm-22/bin/lit"
PYTHON = "/usr/bin/python3"
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_lit(build_dir):
    results = os.path.join(build_dir, "lit-results.json")
    proc = subprocess.run([LIT, "-sv", os.path.join(build_dir, "test"),
                           "-o", results])
    passed = failed = skipped = 0
    if os.path.exists(results):
        with open(results) as f:
            for test in json.load(f)["tests"]:
                code = test["code"]
                if code in ("PASS", "XFAIL"):
                    passed += 1
                elif code in ("UNSUPPORTED", "EXCLUDED", "SKIPPED"):
                    skipped += 1
                else:
                    failed += 1
    if proc.returncode != 0 and failed == 0:
        failed = 1  # lit itself failed (e.g. a bad config): never pass quietly
    return passed, failed, skipped


def run_pytest(build_dir):
    """Runs the Python unit tests against the package in the build tree (it
    holds the native module) and counts their outcomes from pytest's summary
    line."""
    env = dict(os.environ, PYTHONPATH=os.path.abspath(
        os.path.join(build_dir, "python_packages")))
    proc = subprocess.run([PYTHON, "-m", "pytest", "-q", "python/tests"],
                          cwd=SOURCE_ROOT, env=env, capture_output=True,
                          text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    lines = proc.stdout.strip().splitlines()
    summary = lines[-1] if lines else ""
    outcomes = r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)"
    counts = {word: int(n) for n, word in re.findall(outcomes, summary)}
    passed = counts.get("passed", 0) + counts.get("xfailed", 0)
    failed = (counts.get("failed", 0) + counts.get("error", 0) +
              counts.get("errors", 0) + counts.get("xpassed", 0))
    skipped = counts.get("skipped", 0)
    # Any other non-zero exit (5: no tests collected, 2-4: usage or internal
    # errors) is a failed suite even if no single test failed.
    if proc.returncode != 0 and failed == 0:
        failed = 1
    return passed, failed, skipped


def main():
    build_dir = sys.argv[1] if len(sys.argv) > 1 else "build"
    lit = run_lit(build_dir)
    print("\n-- pytest python/tests")
    pytest = run_pytest(build_dir)
    passed, failed, skipped = (a + b for a, b in zip(lit, pytest))
    print(f"\n{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
