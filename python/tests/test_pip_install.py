"""`pip install ./python` into a venv made with --system-site-packages works
without a package index, and the installed package works outside the source
and build trees."""
import os
import pathlib
import subprocess
import sys

import pytest

from w4a16 import _w4a16

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[1]
# The native module lies in <build>/python_packages/w4a16/.
BUILD_DIR = pathlib.Path(_w4a16.__file__).resolve().parents[2]

PROBE = """\
import w4a16.compiler as compiler
print(compiler.__file__)
print(compiler.run_pipeline(
    "func.func @f(%a: i32) -> i32 {\\n"
    "  %c0 = arith.constant 0 : i32\\n"
    "  %b = arith.addi %a, %c0 : i32\\n"
    "  return %b : i32\\n"
    "}\\n", "canonicalize"))
"""


@pytest.mark.skipif(not (BUILD_DIR / "CMakeCache.txt").exists(),
                    reason="w4a16 is not imported from a CMake build tree")
def test_pip_install_offline(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages",
                    str(venv)], check=True)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PIP_") and key != "PYTHONPATH"}
    env.update(W4A16_BUILD_DIR=str(BUILD_DIR), PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q",
                    str(SOURCE_DIR)], check=True, env=env, cwd=tmp_path)

    probe = subprocess.run([str(venv / "bin" / "python"), "-c", PROBE],
                           check=True, env=env, cwd=tmp_path,
                           capture_output=True, text=True)
    installed_at, printed = probe.stdout.split("\n", 1)
    assert installed_at.startswith(str(venv / "lib"))
    assert "arith.addi" not in printed and "return %arg0 : i32" in printed
