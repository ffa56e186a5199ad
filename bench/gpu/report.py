"""Tables, targets and the plot of a run_bench.py result (its JSON).

Usage: python3 bench/gpu/report.py RESULT.json   (rewrites RESULT.md/.png)
"""

import json
import os
import sys

OURS = ("ukernel", "mlir")  # name prefixes of our backends
PEERS = ("tinygemm", "cublas")


def is_ours(backend):
    return backend.startswith(OURS)


def cases(result):
    """{(n, k, group, m, dtype): {backend: record}} of the timed records."""
    table = {}
    for r in result["records"]:
        if "time_us" in r:
            key = (r["n"], r["k"], r["group"], r["m"], r["dtype"])
            table.setdefault(key, {})[r["backend"]] = r
    return table


def tinygemm(table, key):
    """tinygemm's record for a case: its bf16 run (its native type, no
    casts) when the table has one, else the case's own."""
    native = table.get(key[:4] + ("bf16",), {}).get("tinygemm")
    return native or table[key].get("tinygemm")


def ours(backends):
    """The fastest correct backend of ours, or None."""
    mine = [r for b, r in backends.items() if is_ours(b) and r["ok"]]
    return min(mine, key=lambda r: r["time_us"]) if mine else None


def targets(result):
    """Issue 6 targets: (name, met, total, worst) per target."""
    decode, m1, m32, prefill = [], [], [], []
    table = cases(result)
    for (n, k, g, m, dtype), backends in sorted(table.items()):
        best = ours(backends)
        if best is None:
            continue
        shape = f"{n}x{k} M={m} {dtype}"
        if m <= 32:
            decode.append((best["time_us"] / best["floor_us"], shape))
        tiny = tinygemm(table, (n, k, g, m, dtype))
        if tiny and m in (1, 32):
            (m1 if m == 1 else m32).append(
                (tiny["time_us"] / best["time_us"], shape))
        blas = backends.get("cublas")
        if blas and m in (512, 2048):
            prefill.append((best["time_us"] / blas["time_us"], shape))
    out = []
    for name, values, bound, higher in (
            ("decode M<=32: time <= 1.25x floor (>= 80% copy BW)", decode,
             1.25, False),
            ("M=1: >= 2x faster than tinygemm", m1, 2.0, True),
            ("M=32: >= 5x faster than tinygemm", m32, 5.0, True),
            ("prefill M=512/2048: time <= 1.5x cuBLAS", prefill, 1.5,
             False)):
        if not values:
            continue
        met = sum(v >= bound if higher else v <= bound for v, _ in values)
        worst = min(values) if higher else max(values)
        out.append((name, met, len(values), worst))
    return out


def markdown(result):
    d = result["device"]
    lines = [f"# W4A16 on {d['name']} (driver {d['driver']}, {d['date']})",
             "",
             f"torch {d['torch']} (CUDA {d['cuda']}), {d['sm_count']} SMs, "
             f"L2 {d['l2_bytes'] >> 20} MiB. Measured copy bandwidth "
             f"{result['copy_bandwidth'] / 1e12:.3f} TB/s (read + write); "
             + ", ".join(f"cuBLAS {t} 8192^3: {v / 1e12:.0f} TFLOP/s"
                         for t, v in result["gemm_flops"].items()) + ".",
             "",
             f"Timed weights: GPTQ, zero points `{result['timed_zeros']}`. "
             f"Times in microseconds ({timing(result)} over CUDA-graph "
             "replays, weight copies rotated beyond 4x L2). floor = (weights + scales + zeros "
             "+ A + C bytes) / copy bandwidth. %BW = floor / time. "
             "x tiny = tinygemm time / ours, against tinygemm's bf16 run (its "
             "only type on CUDA; the f16 tinygemm column adds the casts); "
             "x cuBLAS = ours / cuBLAS (same activation type). ours = "
             "fastest correct backend of ours.",
             ""]
    lines += ["## Targets (issue 6)", "", "| target | met | worst |",
              "|---|---|---|"]
    for name, met, total, worst in targets(result):
        lines.append(f"| {name} | {met}/{total} | {worst[0]:.2f} ({worst[1]}) |")
    lines += ["", "## Correctness", "",
              f"rel err bound: fp16 {result['tolerance']['f16']}, bf16 "
              f"{result['tolerance']['bf16']} (||out - ref|| / ||ref|| "
              "against float64 on the GPU, NaN-poisoned outputs, symmetric "
              "and asymmetric zeros). Failures: "
              f"{len(result['failures'])}.", "",
              "| backend | dtype | cases | worst rel err |", "|---|---|---|---|"]
    worst = {}
    for r in result["checks"]:
        key = (r["backend"], r["dtype"])
        cnt, err = worst.get(key, (0, 0.0))
        worst[key] = (cnt + 1, max(err, r["rel_err"]))
    for (b, t), (cnt, err) in sorted(worst.items()):
        lines.append(f"| {b} | {t} | {cnt} | {err:.2e} |")
    table = cases(result)
    backends = sorted({b for v in table.values() for b in v},
                      key=lambda b: (not is_ours(b), b))
    for dtype in result["gemm_flops"]:
        lines += ["", f"## {dtype}", "",
                  "| N x K | G | M | floor | " + " | ".join(backends) +
                  " | ours %BW | x tiny | x cuBLAS | config |",
                  "|---" * (8 + len(backends)) + "|"]
        for (n, k, g, m, t), row in sorted(table.items()):
            if t != dtype:
                continue
            best = ours(row)
            floor = next(iter(row.values()))["floor_us"]
            cells = [f"{row[b]['time_us']:.1f}" + ("" if row[b]["ok"]
                                                   else " FAIL")
                     if b in row else "-" for b in backends]
            bw = f"{best['floor_us'] / best['time_us'] * 100:.0f}%" \
                if best else "-"
            tiny_rec = tinygemm(table, (n, k, g, m, t))
            tiny = (f"{tiny_rec['time_us'] / best['time_us']:.2f}"
                    if best and tiny_rec else "-")
            blas = (f"{best['time_us'] / row['cublas']['time_us']:.2f}"
                    if best and "cublas" in row else "-")
            config = f"{best['backend']}: {best.get('config', '')}" \
                if best else ""
            lines.append(f"| {n}x{k} | {g} | {m} | {floor:.1f} | " +
                         " | ".join(cells) +
                         f" | {bw} | {tiny} | {blas} | {config} |")
    return "\n".join(lines) + "\n"


def timing(result):
    """How a case's time was taken: one median, or the lowest of several
    passes' medians (runs before the passes have no `pass_us`)."""
    passes = max((len(r.get("pass_us", [])) for r in result["records"]),
                 default=0)
    if passes <= 1:
        return "median"
    return f"the lowest of {passes} timing passes' medians"


def summary(result):
    """A short text table: per M, geometric means over the shapes."""
    import math
    table = cases(result)
    lines = [f"{'dtype':5} {'M':>5} {'ours/floor':>10} {'tiny/ours':>10} "
             f"{'ours/cuBLAS':>11}  (geometric means over shapes)"]
    for dtype in result["gemm_flops"]:
        for m in sorted({key[3] for key in table}):
            vals = {"floor": [], "tiny": [], "blas": []}
            for key, row in table.items():
                best = ours(row)
                if key[3] != m or key[4] != dtype or best is None:
                    continue
                vals["floor"].append(best["time_us"] / best["floor_us"])
                tiny = tinygemm(table, key)
                if tiny:
                    vals["tiny"].append(tiny["time_us"] / best["time_us"])
                if "cublas" in row:
                    vals["blas"].append(best["time_us"] /
                                        row["cublas"]["time_us"])
            gm = {k: (math.exp(sum(map(math.log, v)) / len(v)) if v else
                      float("nan")) for k, v in vals.items()}
            lines.append(f"{dtype:5} {m:5} {gm['floor']:10.2f} "
                         f"{gm['tiny']:10.2f} {gm['blas']:11.2f}")
    for name, met, total, worst in targets(result):
        lines.append(f"target {name}: {met}/{total} met (worst {worst[0]:.2f}, "
                     f"{worst[1]})")
    return "\n".join(lines)


def plot(result, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    table = cases(result)
    shapes = sorted({key[:3] for key in table})
    cols = 4
    rows = -(-len(shapes) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows),
                             squeeze=False)
    colors = {"ukernel": "tab:red", "ukernel-gemv8": "tab:orange",
              "tinygemm": "tab:blue", "cublas": "tab:green"}
    for ax, (n, k, g) in zip(axes.flat, shapes):
        for dtype, style in (("f16", "-"), ("bf16", "--")):
            keys = sorted(key for key in table if key[:3] == (n, k, g) and
                          key[4] == dtype)
            if not keys:
                continue
            backends = sorted({b for key in keys for b in table[key]})
            for b in backends:
                pts = [(key[3], table[key][b]["time_us"]) for key in keys
                       if b in table[key]]
                ax.plot(*zip(*pts), style, marker=".",
                        color=colors.get(b, None),
                        label=f"{b} {dtype}")
            floor = [(key[3], next(iter(table[key].values()))["floor_us"])
                     for key in keys]
            ax.plot(*zip(*floor), style, color="black", linewidth=1,
                    label=f"memory floor {dtype}")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(f"N={n} K={k} G{g}", fontsize=9)
        ax.set_xlabel("M")
        ax.set_ylabel("us")
        ax.grid(True, which="both", alpha=0.3)
    for ax in list(axes.flat)[len(shapes):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    d = result["device"]
    fig.legend(handles, labels, loc="lower right", fontsize=8)
    fig.suptitle(f"W4A16 matmul time vs M on {d['name']} (driver "
                 f"{d['driver']}, {d['date'][:10]}); memory floor at "
                 f"{result['copy_bandwidth'] / 1e12:.2f} TB/s copy bandwidth")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main():
    path = sys.argv[1]
    with open(path) as f:
        result = json.load(f)
    stem = os.path.splitext(path)[0]
    with open(stem + ".md", "w") as f:
        f.write(markdown(result))
    try:
        plot(result, stem + ".png")
    except ImportError as e:  # the build machine has no matplotlib
        print(f"no plot: {e}")
    print(summary(result))


if __name__ == "__main__":
    main()
