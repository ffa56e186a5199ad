"""Runs, on an NVIDIA GPU machine, what prepare.py built: every case against
a float64 numpy reference on fresh random data, outputs poisoned (NaN)
before each run, the emulation's error flag read after it. Needs only
python3 + numpy and the files next to this script. Prints a table; writes
results.json to $OUT (or here).

Pass criteria: decode ||out - ref|| / ||ref|| <= 1e-3 (f16 output, one
rounding of an f32 sum: ~2e-4 expected) or 8e-3 (bf16: ~1.5e-3 expected),
every element finite, error flag 0. WMMA kernels (f32 output, f32 FMAs of
exact products): <= 1e-5. A broken kernel must fail the way its case says
(error flag raised, or result mismatching).
"""
import datetime
import importlib.util
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BOUNDS = {"f16": 1e-3, "bf16": 8e-3}
WMMA_BOUND = 1e-5


def load(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(HERE, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


os.environ.setdefault("W4A16_RUNTIME_LIBRARY",
                      os.path.join(HERE, "libw4a16_runtime.so"))
runtime = load("runtime")
formats = load("formats")
rng = np.random.default_rng()


def to_device_type(values, activation):
    """float64 values rounded to the activation type, and their exact
    float64 values."""
    if activation == "f16":
        stored = values.astype(np.float16)
        return stored, stored.astype(np.float64)
    stored = formats.f32_to_bf16_bits(values)
    return stored, formats.bf16_bits_to_f32(stored).astype(np.float64)


def from_device_type(values, activation):
    if activation == "f16":
        return values.astype(np.float64)
    return formats.bf16_bits_to_f32(values).astype(np.float64)


def relative_error(out, ref):
    if not np.all(np.isfinite(out)):
        return float("inf")
    return float(np.linalg.norm(out - ref) / np.linalg.norm(ref))


def run_matmul(case, device):
    act, m, k, n, g = (case[key] for key in ("activation", "m", "k", "n",
                                             "group_size"))
    scheme = formats.Scheme("gptq", g, case["zero_point"])
    groups = scheme.num_groups(k)
    q = rng.integers(0, 16, size=(k, n))
    qweight = formats.pack_weights(q, "gptq")
    x, x64 = to_device_type(rng.standard_normal((m, k)), act)
    scales, s64 = to_device_type(rng.uniform(0.5, 1.5, (groups, n)) / 64, act)
    init, i64 = to_device_type(rng.standard_normal((m, n)), act)
    zeros = None
    if scheme.has_zeros:
        zeros = formats.pack_zeros(rng.integers(0, 16, size=(groups, n)),
                                   "gptq")
    ref = formats.matmul_reference(x64, qweight, s64, scheme, zeros,
                                   init=i64)
    rt = runtime.Runtime.load(os.path.join(HERE, case["stem"] + ".ptx"),
                              os.path.join(HERE, case["stem"] + ".json"),
                              device)
    out = rt.run_matmul(x, qweight, scales, zeros=zeros, init=init)
    error = relative_error(from_device_type(out, act), ref)
    matches = error <= BOUNDS[act]
    # A deliberately broken lowering must give a wrong result.
    if case.get("expect") == "mismatch":
        return error, not matches, "flag 0, expected mismatch"
    return error, matches, "flag 0"


def run_wmma(case, device):
    element, rows = case["element"], case["a_rows"]
    a, a64 = to_device_type(rng.standard_normal((rows, 16)), element)
    b, b64 = to_device_type(rng.standard_normal((16, 16)), element)
    c = rng.standard_normal((16, 16)).astype(np.float32)
    ref = a64[:16] @ b64 + c.astype(np.float64)
    rt = runtime.Runtime.load(os.path.join(HERE, case["stem"] + ".ptx"),
                              os.path.join(HERE, case["stem"] + ".json"),
                              device)
    kernel = rt.manifest["kernels"][0]
    buffers = {"a": device.upload(a), "bt": device.upload(b.T.copy()),
               "c": device.upload(c),
               "d": device.upload(np.full((16, 16), np.nan, np.float32))}
    try:
        rt.error_flag_raised()  # clears it
        rt.launch(kernel, buffers, 0)
        device.synchronize()
        d = device.download(buffers["d"], np.float32, (16, 16))
        raised = rt.error_flag_raised()
    finally:
        for address in buffers.values():
            device.free(address)
    error = relative_error(d.astype(np.float64), ref)
    matches = error <= WMMA_BOUND
    outcome = {"pass": matches and not raised,
               "flag": raised,
               "mismatch": not matches and not raised}[case["expect"]]
    return error, outcome, f"flag {int(raised)}"


def main():
    cases = json.load(open(os.path.join(HERE, "cases.json")))
    device = runtime.Device("cuda")
    rows = []
    for case in cases:
        try:
            if case["kind"] == "matmul":
                error, ok, note = run_matmul(case, device)
            else:
                error, ok, note = run_wmma(case, device)
        except runtime.EmulationError as e:
            error, ok, note = float("nan"), False, f"EmulationError: {e}"
        label = case["name"] + (f" ({case['mode']})" if "mode" in case
                                else f" (expect {case['expect']})")
        rows.append({"case": label, "rel_error": error, "ok": bool(ok),
                     "note": note, **case})
    results = {"date": datetime.date.today().isoformat(), "rows": rows}
    out_dir = os.environ.get("OUT", HERE)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"{'case':44} {'M':>3} {'K':>5} {'N':>5} {'rel err':>9}  result")
    for row in rows:
        print(f"{row['case']:44} {row.get('m', ''):>3} {row.get('k', ''):>5} "
              f"{row.get('n', ''):>5} {row['rel_error']:9.2e}  "
              f"{'ok' if row['ok'] else 'FAIL'} ({row['note']})")
    failed = sum(not row["ok"] for row in rows)
    print(f"{len(rows) - failed}/{len(rows)} as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
