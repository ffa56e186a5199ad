#!/usr/bin/env python3
"""Runs the whole w4a16 test suite (lit, then pytest) and prints one
`N passed, N failed` line at the end. Exits non-zero if anything failed."""
import json
import os
import subprocess
import sys

LIT = "/usr/lib/llvm-22/bin/lit"


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


def main():
    build_dir = sys.argv[1] if len(sys.argv) > 1 else "build"
    passed, failed, skipped = run_lit(build_dir)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
