"""Builds, on the build machine, the `mlir` backend of run_bench.py: every
benchmark shape compiled by `w4a16-compile --chipset=sm_90` with a dynamic
M (`--m-range`, run-time dispatch over the decode / small_batch / prefill
kernel sets), per activation type and zero-point kind, as PTX, manifest and
an sm_90 cubin (ptxas here, so the GPU machine does not JIT), plus
`ptxas -v` output, index.json and the runtime library. 56 compiles take
about 3.5 minutes on 2 cores.

Usage: build_mlir.py BUILD_DIR OUT_DIR [--m-range 1,2048] [--zeros asym,sym]
                     [--shapes NxK,...]
"""
import argparse
import ast
import importlib.util
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# run_bench.py's zero kinds as the scheme's zero_point.
ZERO_POINTS = {"asym": "packed", "sym": "symmetric", "none": "none"}


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ptxas(base):
    """BASE.ptx to BASE.cubin for sm_90; returns `ptxas -v`'s report."""
    return subprocess.run(
        ["ptxas", "-arch=sm_90", "-v", base + ".ptx", "-o", base + ".cubin"],
        capture_output=True, text=True, check=True).stderr


def write_index(out, key, entries, **fields):
    """Moves each entry's "ptxas" report into OUT/ptxas-v.txt and writes the
    entries, under `key`, and `fields` to OUT/index.json."""
    with open(os.path.join(out, "ptxas-v.txt"), "w") as log:
        for entry in entries:
            log.write(f"== {entry['stem']}\n{entry.pop('ptxas')}")
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({**fields, key: entries}, f, indent=1)


def read_shapes():
    """run_bench.SHAPES, read from its source: run_bench imports torch,
    which the build machine lacks."""
    with open(os.path.join(HERE, "run_bench.py")) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and \
                getattr(node.targets[0], "id", "") == "SHAPES":
            return ast.literal_eval(node.value)
    raise LookupError("no SHAPES in run_bench.py")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("build")
    p.add_argument("out")
    p.add_argument("--m-range", default="1,2048")
    p.add_argument("--zeros", default="asym,sym")
    p.add_argument("--dtypes", default="f16,bf16")
    p.add_argument("--shapes", help="NxK[,NxK...] subset (as run_bench.py)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--keep-ptx", action="store_true",
                   help="keep the PTX (the device tool carries 64 MiB)")
    args = p.parse_args()
    # The benchmark's shapes and the emulation harness's matmul IR (with
    # M = ? for a dynamic M), not restated here.
    bench_shapes = read_shapes()
    if args.shapes:
        wanted = {tuple(int(v) for v in s.split("x"))
                  for s in args.shapes.split(",")}
        bench_shapes = [s for s in bench_shapes if tuple(s[:2]) in wanted]
    matmul_ir = load(os.path.join(ROOT, "bench", "emulation", "prepare.py"),
                     "prepare").matmul_ir
    os.makedirs(args.out, exist_ok=True)
    compile_tool = os.path.join(os.path.abspath(args.build), "bin",
                                "w4a16-compile")
    cases = [(n, k, g, dtype, zeros) for n, k, g in bench_shapes
             for dtype in args.dtypes.split(",")
             for zeros in args.zeros.split(",")]

    def build(case):
        n, k, g, dtype, zeros = case
        stem = f"{n}x{k}_g{g}_{dtype}_{zeros}"
        base = os.path.join(args.out, stem)
        with open(base + ".mlir", "w") as f:
            f.write(matmul_ir(dtype, ZERO_POINTS[zeros], "?", k, n, g))
        subprocess.run([compile_tool, base + ".mlir", "--chipset=sm_90",
                        f"--m-range={args.m_range}", "-o", base + ".ptx",
                        "--manifest", base + ".json"], check=True)
        os.remove(base + ".mlir")
        report = ptxas(base)
        if not args.keep_ptx:
            os.remove(base + ".ptx")
        return {"n": n, "k": k, "group": g, "dtype": dtype, "zeros": zeros,
                "stem": stem, "m_range": [int(v) for v in
                                          args.m_range.split(",")],
                "ptxas": report}

    with ThreadPoolExecutor(args.jobs) as pool:
        compiles = list(pool.map(build, cases))
    write_index(args.out, "compiles", compiles, chip="sm_90")
    shutil.copy(os.path.join(args.build, "lib", "libw4a16_runtime.so"),
                args.out)
    print(f"{len(compiles)} compiles in {args.out}")


if __name__ == "__main__":
    main()
