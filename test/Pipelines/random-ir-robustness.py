# RUN: %python %s
"""Bad or unusual input is a diagnostic with a location, never a crash: w4a16
matmuls with random (often invalid) shapes, layouts, zero points, group
sizes and element types, and valid matmuls under random #w4a16.tiling
attributes, through the verifier, the tiler, the tile loops, the GPU
lowering and the pipelines. Each run must exit 0, or 1 with an error
located in the input. Seeded, so a failure reproduces; session 16 found two
divisions by zero (K = 0, decode tile_k under a row per wave) this way."""
import random
import re
import subprocess
import sys

LOCATED_ERROR = re.compile(r"^<stdin>:\d+:\d+: error: ", re.M)


def matmul(rng, valid):
    act = rng.choice(["f16", "bf16"] + ([] if valid else ["f32"]))
    layout = "gptq" if valid else rng.choice(["gptq", "awq", "fragment"])
    zero = rng.choice(["symmetric", "packed", "none"] +
                      ([] if valid else ["float"]))
    k = rng.choice([256, 320, 1024] if valid else [0, 8, 33, 96, 1000, 1024])
    n = rng.choice([64, 200, 256] if valid else [0, 7, 24, 200, 4096])
    group = rng.choice([-1, 32, 64] if valid else [-1, 0, 3, 8, 128, 2048])
    m = rng.choice([1, 3, 8, 16, 33, 100] if valid else [0, 1, 9, 65, 512])
    dynamic = rng.random() < 0.3
    groups = 1 if group in (-1, 0) else max(1, k // group)
    rows = "?" if dynamic else str(m)
    x = f"tensor<{rows}x{k}x{act}>"
    if layout == "awq":
        w = f"tensor<{k}x{max(1, n // 8)}xi32>"
    elif layout == "fragment":
        w = f"tensor<{max(1, k // 32)}x{max(1, n // 16)}x64xi32>"
    else:
        w = f"tensor<{k // 8}x{n}xi32>"
    if not valid and rng.random() < 0.2:
        w = "tensor<5x3xi32>"
    s = f"tensor<{groups}x{n}x{act}>"
    y = f"tensor<{rows}x{n}x{act}>"
    args, operands = "", ""
    if zero == "packed":
        z = f"tensor<{groups}x{max(1, n // 8)}xi32>"
        args, operands = f", %z: {z}", f" zeros(%z : {z})"
    elif zero == "float":
        z = f"tensor<{groups}x{n}x{act}>"
        args, operands = f", %z: {z}", f" zeros(%z : {z})"
    if not valid and rng.random() < 0.15:
        args += f", %g: tensor<{k}xi32>"
        operands += f" g_idx(%g : tensor<{k}xi32>)"
    scheme = (f"#w4a16.scheme<layout = {layout}, group_size = {group}, "
              f"zero_point = {zero}>")
    return (f"func.func @f(%x: {x}, %w: {w}, %s: {s}{args}, %i: {y}) -> {y} {{\n"
            f"  %0 = w4a16.matmul {scheme} ins(%x, %w, %s : {x}, {w}, {s})"
            f"{operands} outs(%i : {y})TILINGS -> {y}\n"
            f"  return %0 : {y}\n}}\n")


TILING_VALUES = {
    "strategy": ["decode", "small_batch", "prefill"],
    "m_min": [1, 2, 9, 65], "m_max": [1, 8, 64, -1],
    "tile_m": [1, 2, 3, 8, 16, 32, 48, 64, 128],
    "tile_n": [16, 64, 128, 192, 256], "tile_k": [8, 16, 32, 64, 128, 256, 512],
    "split_k": [1, 2, 3, 4, 8, 64], "workgroup_size": [32, 64, 96, 128, 256],
    "lds_bytes": [0, 2048, 4096, 8192, 16384, 28672, 32768],
    "decode_kernel": ["dot", "matrix"]}


def mutated_tiling(rng, tiled):
    """The first tiling the tiler wrote into `tiled`, with one to three
    fields replaced at random."""
    attr = re.search(r"#w4a16\.tiling<[^>]*>", tiled).group(0)
    fields = dict(item.split(" = ") for item in attr[14:-1].split(", "))
    for name in rng.sample(sorted(TILING_VALUES), rng.randint(1, 3)):
        fields[name] = str(rng.choice(TILING_VALUES[name]))
    return ("#w4a16.tiling<" +
            ", ".join(f"{k} = {v}" for k, v in fields.items()) + ">")


def check(text, passes, failures):
    run = subprocess.run(["w4a16-opt", *passes], input=text,
                         capture_output=True, text=True, timeout=300)
    ok = run.returncode == 0 or (run.returncode == 1 and
                                 LOCATED_ERROR.search(run.stderr))
    if not ok:
        failures.append((passes, text, run.returncode, run.stderr[-2000:]))


def main():
    rng = random.Random(16)
    chips = ["gfx1100", "gfx1151", "sm_90", "sm_80"]
    failures = []
    for _ in range(80):
        text = matmul(rng, valid=False).replace("TILINGS", "")
        chip = rng.choice(chips)
        check(text, [f"--w4a16-cpu-pipeline=tiling-chipset={chip}"], failures)
        check(text, [f"--w4a16-tile-matmul=chipset={chip}",
                     "--w4a16-repack-weights", "--convert-w4a16-to-gpu"],
              failures)
    for _ in range(80):
        chip = rng.choice(chips)
        text = matmul(rng, valid=True)
        tiled = subprocess.run(
            ["w4a16-opt", f"--w4a16-tile-matmul=chipset={chip}"],
            input=text.replace("TILINGS", ""), capture_output=True, text=True,
            check=True).stdout
        text = text.replace(
            "TILINGS",
            f" {{w4a16.tilings = [{mutated_tiling(rng, tiled)}]}}")
        check(text, ["--w4a16-materialize-tiling"], failures)
        check(text, ["--w4a16-repack-weights", "--convert-w4a16-to-gpu"],
              failures)
    for passes, text, code, stderr in failures:
        print(f"=== exit {code}: w4a16-opt {' '.join(passes)}\n{text}{stderr}")
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
