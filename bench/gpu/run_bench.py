"""W4A16 benchmark on a CUDA GPU: our kernels against their peers, one process.

Usage (on the GPU machine; bench/README.md has the whole recipe):
    python3 bench/gpu/run_bench.py --build BUILD_DIR [--out DIR] [--quick]
        [--shapes 5120x17408,...] [--m 1,8,32] [--dtypes f16,bf16]

BUILD_DIR holds what bench/gpu/build.sh produced (w4a16_bench_sm90.cubin).
In order, for every benchmark shape of shared/notes/performance.md, M value
and activation type (fp16, bf16):
  1. the device copy bandwidth (one large device-to-device copy, bytes read
     plus written) and a large cuBLAS GEMM: the memory and matrix ceilings;
  2. every backend is checked against a float64 reference on fresh random
     data with its output poisoned (NaN) first;
  3. then timed with CUDA events: warm-up, a CUDA graph of many runs rotating
     over weight copies whose total exceeds 4x the L2, median over replays.
Backends: `ukernel` (the lib/Microkernels sources compiled in clang CUDA mode,
inside the full kernels of bench/gpu/kernels: gemv for M <= 8, WMMA above),
`ukernel-gemvR` (the gemv microkernel in tiles of R rows for R < M <= 64,
R from --gemv-rows), `tinygemm`
(torch._weight_int4pack_mm), `cublas` (torch.matmul on the dequantized
weights), and `mlir` when w4a16.runtime provides it (see mlir_backends).
Writes JSON, a markdown table and a PNG plot into --out and prints a summary.
"""

import argparse
import datetime
import importlib.util
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

import warnings

import numpy as np
import torch

# cupy's ExternalStream wraps torch's stream; its deprecation note is noise.
warnings.filterwarnings("ignore", category=DeprecationWarning)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

# (N, K, group size), from shared/notes/performance.md (written N x K there).
SHAPES = [(16384, 5120, 32), (14336, 5120, 32), (5120, 6144, 32),
          (34816, 5120, 32), (5120, 17408, 32), (8192, 5120, 32),
          (7168, 5120, 32), (5120, 3072, 32), (17408, 5120, 32),
          (5120, 8704, 32), (6144, 4096, 128), (4096, 4096, 128),
          (28672, 4096, 128), (4096, 14336, 128)]
M_VALUES = [1, 2, 4, 8, 16, 32, 64, 128, 512, 2048]
DECODE_M = [m for m in M_VALUES if m <= 32]
PREFILL_M = [512, 2048]
TORCH_DTYPE = {"f16": torch.float16, "bf16": torch.bfloat16}
# ||out - ref|| / ||ref|| bound per output type: a few roundings of the
# output itself (fp16 ulp 2^-11, bf16 2^-8); NaN never passes.
TOLERANCE = {"f16": 2e-3, "bf16": 1e-2}
# Zero-point kinds of the microkernel ABI (lib/Microkernels/w4a16_uk.h).
ZERO_KINDS = {"none": 0, "sym": 1, "asym": 2}


# --------------------------------------------------------------------------
# Problem data
# --------------------------------------------------------------------------

class Weights:
    """One random GPTQ weight set on the GPU: qweight int32 [K/8, N], scales
    [K/G, N] in the activation type, packed zeros int32 [K/G, N/8]."""

    def __init__(self, n, k, group, dtype, zeros, gen):
        self.n, self.k, self.group, self.dtype, self.zeros = (
            n, k, group, dtype, zeros)
        dev = "cuda"
        self.qweight = torch.randint(-2**31, 2**31 - 1, (k // 8, n),
                                     dtype=torch.int32, device=dev,
                                     generator=gen)
        self.scales = (torch.rand((k // group, n), device=dev, generator=gen,
                                  dtype=torch.float32) * 0.018 + 0.002).to(
                                      TORCH_DTYPE[dtype])
        self.qzeros = torch.randint(-2**31, 2**31 - 1, (k // group, n // 8),
                                    dtype=torch.int32, device=dev,
                                    generator=gen)

    @property
    def bytes(self):
        """Bytes a kernel must read: weights, scales, zeros if any."""
        b = self.qweight.numel() * 4 + self.scales.numel() * 2
        return b + (self.qzeros.numel() * 4 if self.zeros == "asym" else 0)

    def copy(self):
        other = object.__new__(Weights)
        other.__dict__.update(self.__dict__)
        other.qweight = self.qweight.clone()
        other.scales = self.scales.clone()
        other.qzeros = self.qzeros.clone()
        return other

    def zero_points(self):
        """[K/G, N] int32 zero points (GPTQ packed zeros: column 8c + i in
        nibble i of word c)."""
        if self.zeros == "sym":
            return torch.full((self.k // self.group, self.n), 8,
                              dtype=torch.int32, device="cuda")
        if self.zeros == "none":
            return torch.zeros((self.k // self.group, self.n),
                               dtype=torch.int32, device="cuda")
        shifts = 4 * torch.arange(8, dtype=torch.int32, device="cuda")
        return ((self.qzeros[:, :, None] >> shifts) & 15).reshape(
            self.k // self.group, self.n)

    def values(self):
        """[K, N] int32 4-bit weights (GPTQ: row 8r + i in nibble i)."""
        shifts = 4 * torch.arange(8, dtype=torch.int32, device="cuda")
        return ((self.qweight[:, None, :] >> shifts[None, :, None]) &
                15).reshape(self.k, self.n)

    def dequantize(self, dtype=torch.float64):
        """W[k, n] = (q - z[g(k), n]) * s[g(k), n], computed in float64."""
        z = self.zero_points().repeat_interleave(self.group, 0)
        s = self.scales.double().repeat_interleave(self.group, 0)
        return ((self.values() - z).double() * s).to(dtype)

    def check_against_formats(self, formats):
        """The GPU dequant above against w4a16.formats (numpy, written from
        the format description) on a corner of the weights."""
        kk, nn = min(self.k, 4 * self.group, 512), min(self.n, 256)
        scheme = formats.Scheme(layout="gptq", group_size=self.group,
                                zero_point={"asym": "packed",
                                            "sym": "symmetric",
                                            "none": "none"}[self.zeros])
        ref = formats.dequantize(
            self.qweight[:kk // 8, :nn].cpu().numpy(),
            self.scales[:kk // self.group, :nn].float().cpu().numpy(),
            scheme, zeros=self.qzeros[:kk // self.group, :nn // 8].cpu()
            .numpy())
        ours = self.dequantize()[:kk, :nn].cpu().numpy()
        if not np.array_equal(ref, ours):
            raise AssertionError("GPU dequant differs from w4a16.formats")


# --------------------------------------------------------------------------
# Backends: name, prepare(weights) -> state, run(state, x, out)
# --------------------------------------------------------------------------

class Backend:
    """A way to compute out = x @ W. `supports` says whether it runs a case
    (and why not); `prepare` converts one weight set to what `run` needs;
    `run` writes into `out` ([M, N], the activation type) on the current
    torch stream. Timing captures `run` in a CUDA graph."""
    name = "?"

    def supports(self, weights, m):
        return True, ""

    def compute_dtype(self, dtype):
        """The activation / output type the backend really computes in."""
        return dtype

    def prepare(self, weights):
        return weights

    def run(self, state, x, out):
        raise NotImplementedError


class UkernelBackend(Backend):
    """The microkernels inside the full kernels of bench/gpu/kernels."""

    def __init__(self, cubin, sm_count, gemv_rows=None, waves=4.0):
        import cupy
        self.cupy = cupy
        self.module = cupy.RawModule(path=cubin)
        self.sm_count = sm_count
        self.gemv_rows = gemv_rows
        self.waves = waves
        self.name = f"ukernel-gemv{gemv_rows}" if gemv_rows else "ukernel"
        self.streams = {}
        self.partials = {}
        self.plans = {}

    def supports(self, weights, m):
        if self.gemv_rows and not self.gemv_rows < m <= 64:
            return False, "gemv in row tiles is measured for tiles < M <= 64"
        if not self.gemv_rows and m > 8 and weights.group % 32:
            return False, "WMMA needs G % 32 == 0"
        return True, ""

    def function(self, name):
        return self.module.get_function(name)

    def occupancy(self, function, threads):
        """Blocks per SM from the register count (64K registers, 8 per
        thread granule) and the 2048-thread limit."""
        regs = -(-function.attributes["num_regs"] // 8) * 8
        return max(1, min(65536 // (regs * threads), 2048 // threads))

    def plan(self, weights, m):
        """Kernel, grid, block and the partition (split-K) of one case."""
        t = weights.dtype
        n, k, g = weights.n, weights.k, weights.group
        if m <= 8 or self.gemv_rows:
            # Measured on the H100 (bench/README.md): tiles of 2 rows beat
            # the m4 / m8 entry points at M = 4 and 8 (fewer registers,
            # 2 blocks per SM instead of 1; the re-read weights hit L1/L2).
            rows = self.gemv_rows or (1 if m == 1 else 2)
            func = self.function(f"w4a16_bench_w4a16_uk_gemv_{t}_m{rows}")
            threads, warps_k, tiles = 256, 8, -(-m // rows)
            blocks = n // 128
        else:
            func = self.function(f"w4a16_bench_w4a16_uk_wmma_{t}_gptq_n64")
            row_tiles = -(-m // 16)
            warps_k = 4 if row_tiles == 1 else 2 if row_tiles == 2 else 1
            threads, tiles = 128, 1
            row_blocks = -(-row_tiles // (4 // warps_k))
            blocks = row_blocks * (n // 64)
        granule = 32  # K pieces: multiples of 8 for gemv, of 32 for WMMA
        target = self.waves * self.sm_count * self.occupancy(func, threads)
        splits = max(1, min(math.ceil(target / blocks),
                            k // (warps_k * 2 * granule)))
        piece = -(-k // (splits * warps_k))
        # Pieces of whole groups where they are larger than a group.
        step = g if piece >= g and g % granule == 0 else granule
        piece = -(-piece // step) * step
        splits = -(-k // (piece * warps_k))
        if m <= 8 or self.gemv_rows:
            grid = (n // 128, splits, 1)
        else:
            grid = (row_blocks, n // 64, splits)
        return dict(func=func, grid=grid, block=(threads,), piece=piece,
                    splits=splits, tiles=tiles, warps_k=warps_k,
                    config=f"grid={grid} splitK={splits}x{warps_k} "
                    f"piece={piece}")

    def stream(self):
        ptr = torch.cuda.current_stream().cuda_stream
        if ptr not in self.streams:
            self.streams[ptr] = self.cupy.cuda.ExternalStream(ptr)
        return self.streams[ptr]

    def run(self, state, x, out):
        w = state
        m = x.shape[0]
        key = (w.n, w.k, w.group, w.dtype, m)
        p = self.plans.get(key)
        if p is None:
            p = self.plans[key] = self.plan(w, m)
        partial = 0
        if p["splits"] > 1:
            size = p["splits"] * m * w.n
            buf = self.partials.get(size)
            if buf is None:
                buf = self.partials[size] = torch.empty(
                    size, dtype=torch.float32, device="cuda")
            partial = buf.data_ptr()
        u64, i64, i32 = np.uint64, np.int64, np.int32
        with self.stream():
            p["func"](p["grid"], p["block"], (
                u64(x.data_ptr()), u64(w.qweight.data_ptr()),
                u64(w.scales.data_ptr()), u64(w.qzeros.data_ptr()),
                u64(out.data_ptr()), u64(partial), i64(m), i64(w.n),
                i64(w.k), i64(w.group), i32(ZERO_KINDS[w.zeros]),
                i64(p["piece"]), i32(p["splits"]), i32(p["tiles"]),
                i32(p["warps_k"])))
            if p["splits"] > 1:
                elements = m * w.n
                self.function(f"w4a16_bench_reduce_{w.dtype}")(
                    (-(-elements // 256),), (256,),
                    (u64(partial), u64(out.data_ptr()), i64(elements),
                     i32(p["splits"])))

    def describe(self, weights, m):
        return self.plan(weights, m)["config"]


class TinygemmBackend(Backend):
    """torch._weight_int4pack_mm (tinygemm). Conversions from GPTQ:
    q [K, N] -> uint8 [N, K/2] with even k in the high nibble ->
    torch._convert_weight_to_int4pack(., inner_k_tiles=8); tinygemm computes
    (q - 8) * scale + zero per group, so zero = (8 - z) * s; scales and zeros
    as bf16 [K/G, N, 2]. torch's CUDA kernel takes bf16 activations only: for
    fp16 cases the activations are cast to bf16 and the output cast back."""
    name = "tinygemm"

    def supports(self, weights, m):
        if weights.group not in (32, 64, 128, 256):
            return False, "tinygemm groups are 32..256"
        if weights.k % (8 * 16):
            return False, "tinygemm needs K % 128 == 0 for inner_k_tiles=8"
        return True, ""

    def prepare(self, weights):
        q = weights.values().t().contiguous()  # [N, K]
        packed = ((q[:, ::2] << 4) | q[:, 1::2]).to(torch.uint8)
        w = torch._convert_weight_to_int4pack(packed, 8)
        s = weights.scales.float()
        zero = (8 - weights.zero_points()).float() * s
        sz = torch.stack([s, zero], dim=2).to(torch.bfloat16).contiguous()
        return (w, sz, weights.group)

    def compute_dtype(self, dtype):
        return "bf16"

    def run(self, state, x, out):
        w, sz, g = state
        y = torch._weight_int4pack_mm(x.to(torch.bfloat16), w, g, sz)
        out.copy_(y)


class CublasBackend(Backend):
    """torch.matmul (cuBLAS) on the weights dequantized to the activation
    type, [K, N] row-major: what a dense fp16/bf16 model would run."""
    name = "cublas"

    def prepare(self, weights):
        return weights.dequantize(TORCH_DTYPE[weights.dtype])

    def run(self, state, x, out):
        torch.matmul(x, state, out=out)


class MlirBackend(Backend):
    """The MLIR-generated kernels: w4a16-compile --chipset=sm_90 with a
    dynamic M (run-time dispatch over decode / small_batch / prefill), one
    compile per shape, type and zero kind (build_mlir.py), loaded and
    launched by w4a16.runtime on torch's current stream, so graphs capture
    them. Weights stay resident: the GPTQ tensors of `weights` as they are,
    plus the fragment copy of the WMMA ranges repacked once on the GPU
    (formats.fragment_sources). init is a zero buffer (out = x @ W)."""
    name = "mlir"

    def __init__(self, artifacts, runtime, formats):
        self.artifacts, self.runtime, self.formats = (
            artifacts, runtime, formats)
        with open(os.path.join(artifacts, "index.json")) as f:
            self.compiles = {(c["n"], c["k"], c["group"], c["dtype"],
                              c["zeros"]): c for c in json.load(f)[
                                  "compiles"]}
        self.loaded = {}
        self.device = None
        self.scratch = {}
        self.sources = None

    def supports(self, weights, m):
        c = self.compiles.get((weights.n, weights.k, weights.group,
                               weights.dtype, weights.zeros))
        if c is None:
            return False, "not compiled (build_mlir.py)"
        if not c["m_range"][0] <= m <= c["m_range"][1]:
            return False, f"M outside the compiled range {c['m_range']}"
        return True, ""

    def load(self, weights):
        c = self.compiles[(weights.n, weights.k, weights.group,
                           weights.dtype, weights.zeros)]
        if c["stem"] not in self.loaded:
            base = os.path.join(self.artifacts, c["stem"])
            rt = self.runtime.Runtime.load(base + ".cubin", base + ".json",
                                           self.device)
            self.device = rt.device
            self.loaded[c["stem"]] = rt
        return self.loaded[c["stem"]]

    def fragment(self, weights):
        """The GPTQ weights repacked into the fragment layout, on the GPU."""
        key = (weights.k, weights.n)
        if self.sources is None or self.sources[0] != key:
            self.sources = None  # one shape's index at a time
            self.sources = (key, torch.from_numpy(
                self.formats.fragment_sources(*key)).cuda())
        nibbles = weights.values().reshape(-1)[self.sources[1]]
        words = torch.zeros(nibbles.shape[:-1], dtype=torch.int32,
                            device="cuda")
        for s in range(nibbles.shape[-1]):
            words |= nibbles[..., s] << (4 * s)
        return words

    def prepare(self, weights):
        rt = self.load(weights)
        state = {"rt": rt, "weights": weights}
        if rt.uses_fragment_weights():
            state["fragment"] = self.fragment(weights)
        return state

    def buffer(self, name, element, shape):
        """A scratch buffer at least `shape` large, kept across calls (the
        same one for every case, so a graph captures a fixed address);
        init's is zeros and never written."""
        dtype = {"f32": torch.float32, "f16": torch.float16,
                 "bf16": torch.bfloat16}[element]
        size = math.prod(shape)
        have = self.scratch.get((name, dtype))
        if have is None or have.numel() < size:
            have = self.scratch[(name, dtype)] = torch.zeros(
                size, dtype=dtype, device="cuda")
        return have.data_ptr()

    def run(self, state, x, out):
        rt, w = state["rt"], state["weights"]
        m = x.shape[0]
        buffers = {"x": x.data_ptr(), "qweight": w.qweight.data_ptr(),
                   "scales": w.scales.data_ptr(),
                   "zeros": w.qzeros.data_ptr(), "out": out.data_ptr()}
        if "fragment" in state:
            buffers["qweight_fragment"] = state["fragment"].data_ptr()
        for name, (element, shape) in rt.arguments(m).items():
            if name in ("workspace", "init"):
                buffers[name] = self.buffer(name, element, shape)
        rt.launch_matmul(m, buffers,
                         stream=torch.cuda.current_stream().cuda_stream)

    def error_flag_raised(self, state):
        """Whether an emulated WMMA's lane check failed since the last
        call (the flag is cleared)."""
        return state["rt"].error_flag_raised()

    def describe(self, weights, m):
        kernels = self.load(weights).kernels_for(m)
        t = kernels[0]["tiling"]
        kernel = f" ({t['decode_kernel']})" if "decode_kernel" in t else ""
        return (f"{kernels[0]['strategy']}{kernel} tile {t['tile_m']}x"
                f"{t['tile_n']}x{t['tile_k']} splitK={t['split_k']}")


def load_module(name):
    """python/w4a16/NAME.py by path: the package __init__ imports the native
    compiler module, which is not built for the GPU machine."""
    directory = os.path.join(REPO, "python", "w4a16")
    if directory not in sys.path:
        sys.path.insert(0, directory)  # runtime.py's standalone import
    spec = importlib.util.spec_from_file_location(
        f"w4a16_{name}", os.path.join(directory, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mlir_backends(args):
    """The MLIR-generated kernels from --mlir-artifacts (build_mlir.py's
    output, which holds the runtime library too), or [] with a message."""
    if not args.mlir_artifacts:
        print("mlir backend skipped: no --mlir-artifacts directory given")
        return []
    library = os.path.join(args.mlir_artifacts, "libw4a16_runtime.so")
    if os.path.exists(library):
        os.environ.setdefault("W4A16_RUNTIME_LIBRARY", library)
    return [MlirBackend(args.mlir_artifacts, load_module("runtime"),
                        load_module("formats"))]


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------

def relative_error(out, ref):
    out = out.double()
    if not torch.isfinite(out).all():
        return float("inf")
    return (torch.linalg.norm(out - ref) / torch.linalg.norm(ref)).item()


def copy_bandwidth():
    """Bytes read + written per second of a 2 GiB device-to-device copy."""
    src = torch.randint(0, 255, (1 << 31,), dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    times = time_events(lambda: dst.copy_(src), 20)
    assert torch.equal(dst[:1 << 20], src[:1 << 20])
    del src, dst
    return 2 * (1 << 31) / statistics.median(times)


def gemm_throughput(dtype):
    n = 8192
    a = torch.randn((n, n), device="cuda", dtype=dtype)
    b = torch.randn((n, n), device="cuda", dtype=dtype)
    times = time_events(lambda: torch.matmul(a, b), 20)
    return 2 * n**3 / statistics.median(times)


# Device-busy time before any timed call. On the H100 the first graph timed
# after a light load (the eager estimate, whose Python launches leave the GPU
# mostly idle) ran a 34816x5120 M = 1 decode at 47 instead of 42 us on every
# replay; the same graph timed again read 42 (bench/README.md, "Timing").
WARMUP_S = 0.025


def time_events(fn, reps):
    """Seconds per call, one event pair per call, after warm-up calls that
    keep the device busy for WARMUP_S (3 calls at least)."""
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < WARMUP_S:
        fn()
        torch.cuda.synchronize()  # host time follows device time
        calls += 1
    events = [(torch.cuda.Event(enable_timing=True),
               torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
    for start, stop in events:
        start.record()
        fn()
        stop.record()
    torch.cuda.synchronize()
    return [s.elapsed_time(e) * 1e-3 for s, e in events]


def time_backend(backend, states, x, out, budget_s, passes=1):
    """Seconds per run, the lowest of `passes` medians: a CUDA graph of R
    runs rotating over the weight copies, replayed several times (one event
    pair per replay) in each pass, each pass after its own warm-up. Also
    returns every pass's median."""
    copies = len(states)
    run = lambda i: backend.run(states[i % copies], x, out)
    for i in range(max(3, copies)):
        run(i)
    torch.cuda.synchronize()
    estimate = statistics.median(
        time_events(lambda: [run(i) for i in range(copies)], 3)) / copies
    runs = copies * max(1, min(200 // copies, round(2e-3 / (estimate *
                                                             copies))))
    replays = int(min(25, max(5, budget_s / (estimate * runs))))
    method = "graph"
    try:
        graph = torch.cuda.CUDAGraph()
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            run(0)  # allocations of the first call outside the capture
        torch.cuda.current_stream().wait_stream(stream)
        with torch.cuda.graph(graph, capture_error_mode="thread_local"):
            for i in range(runs):
                run(i)
        replay = graph.replay
    except Exception as e:  # capture not supported by a backend
        method = f"eager ({type(e).__name__})"
        replay = lambda: [run(i) for i in range(runs)]
    medians = [statistics.median(time_events(replay, replays)) / runs
               for _ in range(passes)]
    return min(medians), method, runs, replays, medians


def check_backend(backend, state, x, ref, dtype):
    out = torch.full((x.shape[0], ref.shape[1]), float("nan"),
                     dtype=TORCH_DTYPE[dtype], device="cuda")
    flagged = hasattr(backend, "error_flag_raised")
    if flagged:
        backend.error_flag_raised(state)  # reads and clears it
    backend.run(state, x, out)
    torch.cuda.synchronize()
    if flagged and backend.error_flag_raised(state):
        return float("inf")
    return relative_error(out, ref)


def floor_bytes(weights, m):
    return weights.bytes + 2 * m * (weights.k + weights.n)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", required=True,
                   help="directory with w4a16_bench_sm90.cubin (build.sh)")
    p.add_argument("--out", default=os.path.join(REPO, "bench", "results"))
    p.add_argument("--shapes", help="NxK[,NxK...] subset")
    p.add_argument("--m", help="comma-separated M subset")
    p.add_argument("--dtypes", default="f16,bf16")
    p.add_argument("--zeros", default="asym", choices=list(ZERO_KINDS),
                   help="zero points of the timed weights (both asym and sym "
                   "are checked)")
    p.add_argument("--backends", default="ukernel,ukernel-gemv,tinygemm,"
                   "cublas,mlir")
    p.add_argument("--gemv-rows", default="8",
                   help="rows per gemv call of the ukernel-gemvR backends")
    p.add_argument("--waves", type=float, default=4.0,
                   help="ukernel split-K target: resident blocks x waves")
    p.add_argument("--budget-ms", type=float, default=25.0,
                   help="GPU time per timed case (replays)")
    p.add_argument("--passes", type=int, default=2,
                   help="timing passes per case, each after its own "
                   "warm-up; the case's time is the lowest median")
    p.add_argument("--mlir-artifacts", help="w4a16-compile output directory")
    p.add_argument("--quick", action="store_true",
                   help="3 shapes, M 1/8/32/512: a smoke run")
    args = p.parse_args()
    if args.passes < 1:
        p.error(f"--passes must be at least 1, got {args.passes}")
    return args


def device_info():
    props = torch.cuda.get_device_properties(0)
    try:
        driver = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version",
             "--format=csv,noheader"], capture_output=True, text=True,
            timeout=30).stdout.strip()
    except OSError:
        driver = "unknown"
    return {"name": props.name, "sm_count": props.multi_processor_count,
            "l2_bytes": props.L2_cache_size, "driver": driver,
            "torch": torch.__version__, "cuda": torch.version.cuda,
            "host": platform.node()}


def main():
    args = parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    info = device_info()
    date = datetime.datetime.now(datetime.timezone.utc)
    info["date"] = date.isoformat(timespec="seconds")
    print(f"device {info['name']}, driver {info['driver']}, "
          f"{info['sm_count']} SMs, L2 {info['l2_bytes'] >> 20} MiB, "
          f"torch {info['torch']}")
    shapes = SHAPES
    ms = M_VALUES
    if args.quick:
        shapes = [(5120, 17408, 32), (17408, 5120, 32), (4096, 14336, 128)]
        ms = [1, 8, 32, 512]
    if args.shapes:
        wanted = {tuple(int(v) for v in s.split("x"))
                  for s in args.shapes.split(",")}
        shapes = [s for s in SHAPES if s[:2] in wanted]
    if args.m:
        ms = [int(v) for v in args.m.split(",")]
    dtypes = args.dtypes.split(",")

    bandwidth = copy_bandwidth()
    gemm = {d: gemm_throughput(TORCH_DTYPE[d]) for d in dtypes}
    print(f"copy bandwidth {bandwidth / 1e12:.3f} TB/s (read + write); "
          + ", ".join(f"cuBLAS {d} 8192^3 {v / 1e12:.0f} TFLOP/s"
                      for d, v in gemm.items()))

    cubin = os.path.join(args.build, "w4a16_bench_sm90.cubin")
    wanted = args.backends.split(",")
    backends = []
    if "ukernel" in wanted:
        backends.append(UkernelBackend(cubin, info["sm_count"],
                                       waves=args.waves))
    if "ukernel-gemv" in wanted:
        backends += [UkernelBackend(cubin, info["sm_count"], rows,
                                    waves=args.waves)
                     for rows in map(int, args.gemv_rows.split(","))]
    if "tinygemm" in wanted:
        backends.append(TinygemmBackend())
    if "cublas" in wanted:
        backends.append(CublasBackend())
    if "mlir" in wanted:
        backends += mlir_backends(args)

    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, "{}-{}-{}".format(
        info["name"].replace(" ", "_"), info["driver"],
        date.strftime("%Y-%m-%d")))
    records, checks, failures = [], [], []
    result = dict(device=info, copy_bandwidth=bandwidth, gemm_flops=gemm,
                  tolerance=TOLERANCE, timed_zeros=args.zeros,
                  records=records, checks=checks, failures=failures)

    def save():  # after every shape, so that a cut-off run keeps its data
        with open(stem + ".json", "w") as f:
            json.dump(result, f, indent=1)

    formats = load_module("formats")
    gen = torch.Generator(device="cuda")
    gen.manual_seed(int(date.timestamp()))
    for n, k, g in shapes:
        for dtype in dtypes:
            tdt = TORCH_DTYPE[dtype]
            # Correctness first, fresh data for each zero kind checked; the
            # last kind is the timed one.
            kinds = ["sym"] if args.zeros == "sym" else ["sym", args.zeros]
            for zeros in kinds:
                w = Weights(n, k, g, dtype, zeros, gen)
                w.check_against_formats(formats)
                w64 = w.dequantize()
                for backend in backends:
                    state = None
                    for m in ms:
                        if not backend.supports(w, m)[0]:
                            continue
                        if state is None:
                            state = backend.prepare(w)
                        x = torch.randn((m, k), device="cuda",
                                        generator=gen).to(tdt)
                        computed = backend.compute_dtype(dtype)
                        xin = x.to(TORCH_DTYPE[computed])
                        err = check_backend(backend, state, x,
                                            xin.double() @ w64, dtype)
                        rec = dict(n=n, k=k, group=g, m=m, dtype=dtype,
                                   zeros=zeros, backend=backend.name,
                                   rel_err=err,
                                   ok=err < TOLERANCE[computed])
                        checks.append(rec)
                        if zeros == args.zeros:
                            records.append(dict(rec))
                        if not rec["ok"]:
                            failures.append(rec)
                            print(f"FAIL {backend.name} {n}x{k} G{g} M={m} "
                                  f"{dtype} {zeros}: rel err {err:.3e}")
                    del state
                del w64
            # Timing, rotating weight copies past 4x L2.
            for backend in backends:
                ms_run = [m for m in ms if backend.supports(w, m)[0]]
                if not ms_run:
                    continue
                state0 = backend.prepare(w)
                per_copy = state_bytes(state0)
                copies = max(2, min(64, math.ceil(4 * info["l2_bytes"] /
                                                  per_copy)))
                states = [state0] + [backend.prepare(w.copy())
                                     for _ in range(copies - 1)]
                for m in ms_run:
                    x = torch.randn((m, k), device="cuda",
                                    generator=gen).to(tdt)
                    out = torch.empty((m, n), dtype=tdt, device="cuda")
                    sec, method, runs, replays, medians = time_backend(
                        backend, states, x, out, args.budget_ms * 1e-3,
                        args.passes)
                    rec = next(r for r in records if r["n"] == n and
                               r["k"] == k and r["m"] == m and
                               r["dtype"] == dtype and
                               r["backend"] == backend.name)
                    fb = floor_bytes(w, m)
                    rec.update(time_us=sec * 1e6, method=method, runs=runs,
                               replays=replays, copies=copies,
                               pass_us=[t * 1e6 for t in medians],
                               floor_us=fb / bandwidth * 1e6,
                               gbps=fb / sec / 1e9,
                               frac_copy_bw=fb / sec / bandwidth,
                               tflops=2 * m * n * k / sec / 1e12)
                    if hasattr(backend, "describe"):
                        rec["config"] = backend.describe(w, m)
                    print(f"{backend.name:13} {n:6}x{k:<6} G{g:<4} M={m:<5}"
                          f"{dtype:5} {sec * 1e6:10.2f} us "
                          f"{rec['frac_copy_bw'] * 100:6.1f}% BW  "
                          f"err {rec['rel_err']:.2e}  {rec.get('config', '')}"
                          f"  passes " + " ".join(f"{t * 1e6:.2f}"
                                                   for t in medians))
                del states, state0
            del w
            torch.cuda.empty_cache()
            save()

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import report
    table = report.markdown(result)
    with open(stem + ".md", "w") as f:
        f.write(table)
    report.plot(result, stem + ".png")
    print(report.summary(result))
    print(f"wrote {stem}.json/.md/.png; {len(failures)} correctness failures")
    return 1 if failures else 0


def state_bytes(state):
    if isinstance(state, dict):  # mlir: a run reads one of its layouts
        return state_bytes(state["weights"])
    if isinstance(state, Weights):
        return state.bytes
    if isinstance(state, torch.Tensor):
        return state.numel() * state.element_size()
    return sum(state_bytes(s) for s in state if isinstance(s, (
        torch.Tensor, Weights, tuple)))


if __name__ == "__main__":
    sys.exit(main())
