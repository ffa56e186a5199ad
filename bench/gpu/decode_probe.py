"""Decode kernel variants on a CUDA GPU: where the time of the mlir decode
kernels goes (main kernel alone, the split-K reduce alone when there is one,
the whole launch sequence) for several tilings of a few shapes.

  build (on the build machine): compile each (shape, M, tiling variant)
      with static M: the tiler's `#w4a16.tiling` (under the variant's tiler
      options) with the variant's fields replaced, then `w4a16-compile` for
      --chipset (a gfx11 chip's kernels through the emulation on sm_90) with
      --backend, and ptxas; writes OUT_DIR/index.json and ptxas-v.txt.
      Tilings the tiler, the lowering or ptxas reject are listed and left
      out.
  run (on the CUDA machine): check every variant against float64, then time
      it with run_bench's CUDA-graph method (weight copies rotated past 4x
      L2); prints one line per variant and writes probe.json into --out.

Usage:
  decode_probe.py build BUILD_DIR OUT_DIR [--shapes 4096x4096x128,...]
      [--m 1,4,8] [--variants "default;split_k=half;preset=mma split_k=4"]
      [--chipset sm_90|gfx1100|...] [--backend mlir|ukernel]
  decode_probe.py run ARTIFACTS [--out DIR]
"""
import argparse
import functools
import json
import math
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

from build_mlir import HERE, ROOT, load, ptxas, write_index


@functools.lru_cache(maxsize=None)
def default_tiling(opt, ir, options="", chipset="sm_90"):
    """The tiled IR the tiler writes for `ir` on `chipset` (with the pass's
    `options`), and its (single) tiling's fields; cached, so callers
    copy the fields before changing them."""
    text = subprocess.run(
        [opt, f"--w4a16-tile-matmul=chipset={chipset} {options}"], input=ir,
        capture_output=True, text=True, check=True).stdout
    attr = "#w4a16.tiling<" + text.split("#w4a16.tiling<")[1].split(">")[0] \
        + ">"
    fields = {kv.split(" = ")[0].strip(): kv.split(" = ")[1].strip()
              for kv in attr[len("#w4a16.tiling<"):-1].split(",")}
    return text, attr, fields


def split_variant(variant):
    """A variant's tiler options (items whose name has a '-', such as
    `tile-n=256` or `decode-kernel=matrix`, for --w4a16-tile-matmul) and its
    field overrides (the other items)."""
    items = variant.split()
    is_option = ["-" in item.split("=")[0] for item in items]
    return (" ".join(i for i, o in zip(items, is_option) if o),
            " ".join(i for i, o in zip(items, is_option) if not o))


def apply_variant(fields, overrides, mma):
    """`fields` with the overrides, applied in order: `preset=mma` the
    mma.sync small-batch kernel's fields `mma` (the tiler's at M = 16, for the
    variant's M; no decode_kernel), `split_k=half|double` scales the tiler's
    split, any other `name=value` replaces that field (`decode_kernel=dot`
    the dot2 decode kernel; "default" = no override)."""
    fields = dict(fields)
    default_split = int(fields["split_k"])
    for item in overrides.split():
        if item == "default":
            continue
        name, value = item.split("=")
        if name == "preset" and value == "mma":
            if fields["strategy"] != "small_batch":
                fields.update({field: v for field, v in mma.items()
                               if field not in ("m_min", "m_max")})
                fields.pop("decode_kernel", None)
        elif name == "split_k" and value in ("half", "double"):
            fields["split_k"] = str(default_split // 2 if value == "half"
                                    else default_split * 2)
        else:
            fields[name] = value
    return fields


def first_error(stderr):
    """The first error line of a tool's diagnostics."""
    errors = re.findall(r"error\s*: (.*)", stderr)
    return errors[0] if errors else stderr.strip()


def build(args):
    matmul_ir = load(os.path.join(ROOT, "bench", "emulation", "prepare.py"),
                     "prepare").matmul_ir
    tools = os.path.join(os.path.abspath(args.build), "bin")
    opt, compile_tool = (os.path.join(tools, t)
                         for t in ("w4a16-opt", "w4a16-compile"))
    # The device runs sm_90: gfx11 kernels run through the AMD-op emulation.
    flags = [f"--chipset={args.chipset}", f"--backend={args.backend}"]
    if not args.chipset.startswith("sm_"):
        flags.append("--emulate=sm_90")
    os.makedirs(args.out, exist_ok=True)
    cases = []
    for shape in args.shapes.split(","):
        n, k, g = (int(v) for v in shape.split("x"))
        mma = default_tiling(
            opt, matmul_ir(args.dtype, "packed", 16, k, n, g),
            chipset=args.chipset)[2]
        for m in (int(v) for v in args.m.split(",")):
            ir = matmul_ir(args.dtype, "packed", m, k, n, g)
            for variant in args.variants.split(";"):
                options, overrides = split_variant(variant)
                try:
                    tiled, attr, fields = default_tiling(opt, ir, options,
                                                         args.chipset)
                except subprocess.CalledProcessError as e:
                    print(f"{n}x{k}_g{g}_m{m} {options}: the tiler: "
                          f"{first_error(e.stderr)}")
                    continue
                chosen = apply_variant(fields, overrides, mma)
                text = tiled.replace(attr, "#w4a16.tiling<" + ", ".join(
                    f"{name} = {value}" for name, value in chosen.items())
                    + ">")
                stem = (f"{n}x{k}_g{g}_m{m}_{chosen['strategy']}"
                        f"_s{chosen['split_k']}_m{chosen['tile_m']}"
                        f"_n{chosen['tile_n']}_k{chosen['tile_k']}"
                        f"_w{chosen['workgroup_size']}"
                        f"_l{chosen['lds_bytes']}"
                        + (f"_{chosen.get('decode_kernel', 'dot')}"
                           if chosen["strategy"] == "decode" else ""))
                cases.append((n, k, g, m, chosen, text, stem))
    # Variants that name the same tiling build and run once.
    cases = list({case[-1]: case for case in cases}.values())

    def compile_case(case):
        n, k, g, m, fields, tiled, stem = case
        base = os.path.join(args.out, stem)
        with open(base + ".mlir", "w") as f:
            f.write(tiled)
        built = subprocess.run(
            [compile_tool, base + ".mlir", *flags, "-o", base + ".ptx",
             "--manifest", base + ".json"], capture_output=True, text=True)
        os.remove(base + ".mlir")
        if built.returncode != 0:
            # A tiling the shape does not allow.
            print(f"{stem}: the lowering: {first_error(built.stderr)}")
            return None
        try:
            report = ptxas(base)
        except subprocess.CalledProcessError as e:
            # E.g. a gfx11 kernel's LDS beyond sm_90's static shared memory.
            print(f"{stem}: ptxas: {first_error(e.stderr)}")
            return None
        return {"n": n, "k": k, "group": g, "m": m,
                "split_k": int(fields["split_k"]), "tiling": fields,
                "dtype": args.dtype, "stem": stem, "ptxas": report}

    with ThreadPoolExecutor(2) as pool:
        built = [c for c in pool.map(compile_case, cases) if c]
    shutil.copy(os.path.join(args.build, "lib", "libw4a16_runtime.so"),
                args.out)
    write_index(args.out, "variants", built)
    print(f"{len(built)} variants in {args.out}")


def run(args):
    import torch
    bench = load(os.path.join(HERE, "run_bench.py"), "run_bench")
    library = os.path.join(args.artifacts, "libw4a16_runtime.so")
    if os.path.exists(library):
        os.environ.setdefault("W4A16_RUNTIME_LIBRARY", library)
    runtime, formats = bench.load_module("runtime"), bench.load_module(
        "formats")
    with open(os.path.join(args.artifacts, "index.json")) as f:
        variants = json.load(f)["variants"]

    class Only:
        """A loaded compile that launches only the kernels whose symbol
        ends with `suffix`."""

        def __init__(self, rt, suffix):
            self.rt, self.suffix = rt, suffix

        def arguments(self, m):
            return self.rt.arguments(m)

        def launch_matmul(self, m, buffers, stream=None):
            for kernel in self.rt.kernels_for(m):
                if kernel["symbol"].endswith(self.suffix):
                    self.rt.launch(kernel, buffers, m, stream)

    shared_device = [None]

    class Variant(bench.MlirBackend):
        def __init__(self, variant, suffix=""):
            self.artifacts, self.runtime, self.formats = (
                args.artifacts, runtime, formats)
            self.compiles = {(variant["n"], variant["k"], variant["group"],
                              variant["dtype"], "asym"):
                             dict(variant, m_range=[variant["m"]] * 2)}
            self.loaded, self.device, self.scratch = {}, None, {}
            self.sources, self.suffix = None, suffix
            self.name = variant["stem"] + (f" {suffix}" if suffix else "")

        def load(self, weights):
            self.device = shared_device[0]  # one context for all variants
            rt = super().load(weights)
            shared_device[0] = rt.device
            return rt

        def prepare(self, weights):
            state = super().prepare(weights)
            if self.suffix:
                state["rt"] = Only(state["rt"], self.suffix)
            return state

    info = bench.device_info()
    info["copy_bw"] = bench.copy_bandwidth()
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1)
    results = []
    tiny = bench.TinygemmBackend()

    class ReadOnce(bench.Backend):
        """One torch reduction over the packed weights: what a single
        kernel that only reads them takes in this timing (launch and ramp
        included), the practical floor of a small shape."""
        name = "read"

        def prepare(self, weights):
            return weights.qweight

        def run(self, state, x, out):
            torch.sum(state, dtype=torch.int32)

    read = ReadOnce()
    by_shape = {}
    for v in variants:
        by_shape.setdefault((v["n"], v["k"], v["group"], v["dtype"]),
                            []).append(v)
    for (n, k, g, dtype), group in by_shape.items():
        tdt = bench.TORCH_DTYPE[dtype]
        w = bench.Weights(n, k, g, dtype, "asym", gen)
        w64 = w.dequantize()
        copies = max(2, min(64, math.ceil(4 * info["l2_bytes"] / w.bytes)))
        weights = [w] + [w.copy() for _ in range(copies - 1)]
        measured = []
        for v in group:
            kernels = [Variant(v)]
            full = kernels[0]
            rt = full.load(w)
            symbols = [kk["symbol"] for kk in rt.kernels_for(v["m"])]
            if len(symbols) > 1:
                kernels += [Variant(v, s.split("_", 2)[-1]) for s in symbols]
            measured.append((v, kernels))
        for m in sorted({v["m"] for v in group}):
            x = torch.randn((m, k), device="cuda", generator=gen).to(tdt)
            out = torch.empty((m, n), dtype=tdt, device="cuda")
            floor = bench.floor_bytes(w, m) / info["copy_bw"] * 1e6
            tiny_text = "n/a"
            # tinygemm takes only some shapes (K in whole tiles).
            if tiny.supports(w, m)[0]:
                states = [tiny.prepare(c) for c in weights]
                sec = bench.time_backend(tiny, states, x, out, 0.01)[0]
                del states
                tiny_text = f"{sec * 1e6:.2f} us"
                results.append(dict(n=n, k=k, group=g, m=m, backend="tiny",
                                    us=sec * 1e6, floor_us=floor))
            read_sec = bench.time_backend(
                read, [read.prepare(c) for c in weights], x, out, 0.01)[0]
            print(f"{n}x{k} G{g} M={m} floor {floor:.2f} us  "
                  f"tinygemm {tiny_text}  read-once "
                  f"{read_sec * 1e6:.2f} us")
            results.append(dict(n=n, k=k, group=g, m=m, backend="read",
                                us=read_sec * 1e6, floor_us=floor))
            for v, kernels in measured:
                if v["m"] != m:
                    continue
                err = bench.check_backend(kernels[0], kernels[0].prepare(w),
                                          x, x.double() @ w64, dtype)
                times = []
                for backend in kernels:
                    states = [backend.prepare(c) for c in weights]
                    sec = bench.time_backend(backend, states, x, out, 0.01)[0]
                    times.append((backend.suffix or "all", sec * 1e6))
                    del states
                # Again after the timed launches, on the same scratch
                # buffers.
                err = max(err, bench.check_backend(
                    kernels[0], kernels[0].prepare(w), x, x.double() @ w64,
                    dtype))
                results.append(dict(v, err=err, times=dict(times),
                                    floor_us=floor))
                print(f"{v['stem']:32} err {err:.1e}  " + "  ".join(
                    f"{name} {us:6.2f}" for name, us in times) +
                    f"  ({floor / times[0][1] * 100:.0f}% BW)")
        del weights, w64
        torch.cuda.empty_cache()
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "probe.json"), "w") as f:
            json.dump({"device": info, "results": results}, f, indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("build")
    b.add_argument("out")
    b.add_argument("--shapes", default="4096x4096x128,4096x14336x128,"
                   "28672x4096x128")
    b.add_argument("--m", default="1,4,8")
    b.add_argument("--variants", default="default;split_k=half;"
                   "split_k=double;tile_k=256;tile_k=512",
                   help="';'-separated tilings, each of space-separated "
                   "items: 'default', 'name=value' overrides of the tiler's "
                   "fields, 'preset=mma', or --w4a16-tile-matmul options "
                   "such as 'tile-n=256' or 'decode-kernel=matrix'")
    b.add_argument("--dtype", default="f16")
    b.add_argument("--chipset", default="sm_90",
                   help="the kernels' chip; gfx11 kernels run emulated")
    b.add_argument("--backend", default="mlir", choices=("mlir", "ukernel"))
    r = sub.add_parser("run")
    r.add_argument("artifacts")
    r.add_argument("--out", default=".")
    args = p.parse_args()
    (build if args.command == "build" else run)(args)


if __name__ == "__main__":
    main()
