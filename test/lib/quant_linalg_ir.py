"""W4A16 linears written in linalg-on-tensors, in the shapes torch-mlir emits
(shared/notes/prior-art.md), as test inputs for --w4a16-raise-dequant-matmul.

`unpack_linear` is the plain-aten GPTQ/AWQ unpack chain; `custom_quant_linear`
is torch-mlir's lowering of quant.matmul_rhs_group_quant. Both return
`(func_text, reference)` where `reference(arrays)` evaluates, in float64, what
the written IR computes. The shift tables are those of the reference Python
code (AutoGPTQ: 0, 4, ..., 28; AutoAWQ: its reverse order [0, 4, 1, 5, 2, 6,
3, 7] times 4), not taken from the C++ definition, so tests cross-check it."""
import numpy as np

GPTQ_SHIFTS = [0, 4, 8, 12, 16, 20, 24, 28]
AWQ_SHIFTS = [4 * i for i in (0, 4, 1, 5, 2, 6, 3, 7)]


def ttype(shape, element):
    return "tensor<" + "".join(f"{'?' if d is None else d}x" for d in shape) + element + ">"


def amap(dims, results):
    return f"affine_map<({', '.join(dims)}) -> ({', '.join(results)})>"


class Writer:
    def __init__(self):
        self.lines = []
        self.count = 0

    def fresh(self, prefix="t"):
        self.count += 1
        return f"%{prefix}{self.count}"

    def add(self, line):
        self.lines.append(line)

    def generic(self, ins, out_shape, out_element, body, dims=None, out_map=None,
                empty_dynamic=()):
        """An all-parallel linalg.generic. `ins`: (value, type, result exprs);
        `body(args)` returns lines and the yielded value."""
        rank = len(out_shape)
        dims = dims or [f"d{i}" for i in range(rank)]
        out_map = out_map or dims
        empty, result = self.fresh("e"), self.fresh()
        out_type = ttype(out_shape, out_element)
        self.add(f"{empty} = tensor.empty({', '.join(empty_dynamic)}) : {out_type}")
        maps = ", ".join([amap(dims, r) for _, _, r in ins] + [amap(dims, out_map)])
        iterators = ", ".join(['"parallel"'] * len(dims))
        args = [f"%a{i}" for i in range(len(ins))]
        self.add(f"{result} = linalg.generic {{indexing_maps = [{maps}], "
                 f"iterator_types = [{iterators}]}} "
                 f"ins({', '.join(v for v, _, _ in ins)} : {', '.join(t for _, t, _ in ins)}) "
                 f"outs({empty} : {out_type}) {{")
        elements = [t.split("x")[-1].rstrip(">") for _, t, _ in ins]
        self.add(f"^bb0({', '.join(f'{a}: {e}' for a, e in zip(args, elements))}, %out: {out_element}):")
        lines, value = body(args)
        for line in lines:
            self.add("  " + line)
        self.add(f"  linalg.yield {value} : {out_element}")
        self.add(f"}} -> {out_type}")
        return result


def _float_cast(value, src, dst):
    if src == dst:
        return [], value
    op = "extf" if {"f16": 16, "bf16": 16, "f32": 32}[dst] > {"f16": 16, "bf16": 16, "f32": 32}[src] else "truncf"
    return [f"%cast_{value[1:]} = arith.{op} {value} : {src} to {dst}"], f"%cast_{value[1:]}"


def _reference_nibbles(words, shifts, mask):
    return (words[..., None].astype(np.int64) >> np.array(shifts)) & mask


def unpack_linear(k=256, n=64, group=64, layout="gptq", zero="symmetric", act="f16",
                  arith="f16", consumer="matmul", acc="f32", bias=False,
                  shift_op="shrsi", shifts=None, mask=15, zero_side="right",
                  scale_per_row=False, extra_user=False, batch=2, zero_shifts=None,
                  int_zero=False, zero_add=1, int_zero_order="q-z", act_order=False,
                  gather_zeros_by="g_idx", gather_index_of="k"):
    """The plain-aten unpack chain feeding a contraction, as `func.func @linear`.

    Arguments of @linear: x, qweight, scales, then zeros (packed int32 or
    float) when `zero` is packed/packed_v1/float, then bias, then g_idx (i64
    [K]) with `act_order`, then a second g_idx when `gather_zeros_by` is
    "other". `int_zero` subtracts the zero in integers as AutoGPTQ does:
    nibbles truncated to i8, masked, `z + zero_add`, `q - z` in i8, sitofp.
    `act_order` gathers scales and zeros per K row by g_idx (torch
    `scales[g_idx]`: tensor.extract in a generic). The keywords after `acc`,
    and zero_add != 1, int_zero_order "z-q", gather_zeros_by other than
    "g_idx" and gather_index_of "reversed" (g_idx[K-1-k]), write variants that must not be
    raised."""
    groups = 1 if group == -1 else k // group
    group_rows = k if group == -1 else group
    shifts = shifts or (GPTQ_SHIFTS if layout == "gptq" else AWQ_SHIFTS)
    w = Writer()
    params = []
    x_shape = {"matvec": [k], "batch_matmul": [batch, None, k]}.get(consumer, [None, k])
    params.append(("%x", ttype(x_shape, act)))
    q_shape = [k // 8, n] if layout == "gptq" else [k, n // 8]
    params.append(("%qweight", ttype(q_shape, "i32")))
    scale_rows = k if scale_per_row else groups
    params.append(("%scales", ttype([scale_rows, n], act)))
    if zero in ("packed", "packed_v1"):
        params.append(("%qzeros", ttype([groups, n // 8], "i32")))
    elif zero == "float":
        params.append(("%zeros", ttype([groups, n], act)))
    if bias:
        params.append(("%bias", ttype([n], act)))
    if act_order:
        params.append(("%g_idx", ttype([k], "i64")))
        if gather_zeros_by == "other":
            params.append(("%g_idx2", ttype([k], "i64")))

    table = w.fresh("shifts")
    w.add(f"{table} = arith.constant dense<{list(shifts)}> : tensor<8xi32>")
    mask_lines = lambda a: ([f"%mask = arith.constant {mask} : i32",
                             f"%and = arith.andi {a}, %mask : i32"], "%and")
    to_float = "uitofp" if shift_op == "shrui" else "sitofp"

    # Unpack the weights to [K, N] integers (i8 with int_zero, as AutoGPTQ's
    # `.to(torch.int8)` before the mask).
    nib = "i8" if int_zero else "i32"

    def nibble(a):
        lines = [f"%s = arith.{shift_op} {a[0]}, {a[1]} : i32"]
        value = "%s"
        if int_zero:
            lines.append("%s8 = arith.trunci %s : i32 to i8")
            value = "%s8"
        return lines + [f"%mask = arith.constant {mask} : {nib}",
                        f"%and = arith.andi {value}, %mask : {nib}"], "%and"

    if layout == "gptq":
        masked = w.generic([("%qweight", ttype(q_shape, "i32"), ["d0", "d2"]),
                            (table, "tensor<8xi32>", ["d1"])], [k // 8, 8, n], nib, nibble)
        q = w.fresh()
        w.add(f"{q} = tensor.collapse_shape {masked} [[0, 1], [2]] : "
              f"{ttype([k // 8, 8, n], nib)} into {ttype([k, n], nib)}")
    else:
        shifted = w.generic([("%qweight", ttype(q_shape, "i32"), ["d0", "d1"]),
                             (table, "tensor<8xi32>", ["d2"])], [k, n // 8, 8], nib, nibble)
        q = w.fresh()
        w.add(f"{q} = tensor.collapse_shape {shifted} [[0], [1, 2]] : "
              f"{ttype([k, n // 8, 8], nib)} into {ttype([k, n], nib)}")
    qf, q_elem = q, nib
    if not int_zero:
        qf, q_elem = w.generic([(q, ttype([k, n], "i32"), ["d0", "d1"])], [k, n], arith,
                               lambda a: ([f"%f = arith.{to_float} {a[0]} : i32 to {arith}"], "%f")), arith

    # Zero points as [groups, N] floats (or a constant).
    zero_input = None
    if zero in ("packed", "packed_v1"):
        z_elem = nib if int_zero else arith

        def unpack_zero(a):
            lines, value = nibble(a)
            if zero == "packed_v1":
                lines += [f"%one = arith.constant {zero_add} : {nib}",
                          f"%plus = arith.addi {value}, %one : {nib}"]
                value = "%plus"
            if int_zero:
                return lines, value
            return lines + [f"%zf = arith.{to_float} {value} : i32 to {arith}"], "%zf"
        zero_table = table
        if zero_shifts:
            zero_table = w.fresh("zshifts")
            w.add(f"{zero_table} = arith.constant dense<{list(zero_shifts)}> : tensor<8xi32>")
        zg = w.generic([("%qzeros", ttype([groups, n // 8], "i32"), ["d0", "d1"]),
                        (zero_table, "tensor<8xi32>", ["d2"])], [groups, n // 8, 8], z_elem, unpack_zero)
        zero_input = w.fresh()
        w.add(f"{zero_input} = tensor.collapse_shape {zg} [[0], [1, 2]] : "
              f"{ttype([groups, n // 8, 8], z_elem)} into {ttype([groups, n], z_elem)}")
        zero_type = ttype([groups, n], z_elem)
    elif zero == "float":
        zero_input, zero_type = "%zeros", ttype([groups, n], act)

    # (q - z) * s over [groups, G, N], or over [K, N] with act-order gathers.
    def gathered(table_value, table_type, by, index):
        """table[by[k], n] as a [K, N] tensor (torch `table[g_idx]`)."""
        element = table_type.split("x")[-1].rstrip(">")
        return w.generic([(by, ttype([k], "i64"), [index])], [k, n], element,
                         lambda a: ([f"%gi = arith.index_cast {a[0]} : i64 to index",
                                     "%col = linalg.index 1 : index",
                                     f"%v = tensor.extract {table_value}[%gi, %col] : {table_type}"],
                                    "%v"))

    scale_type = ttype([scale_rows, n], act)
    gather_index = "d0" if gather_index_of == "k" else f"{k - 1} - d0"
    if act_order:
        dims, out_shape = ["d0", "d1"], [k, n]
        ins = [(qf, ttype([k, n], q_elem), ["d0", "d1"]),
               (gathered("%scales", scale_type, "%g_idx", gather_index),
                ttype([k, n], act), ["d0", "d1"])]
        if zero_input:
            if gather_zeros_by == "none":
                ins.append((zero_input, zero_type, ["d0 floordiv %d" % group_rows, "d1"]))
            else:
                by = "%g_idx" if gather_zeros_by == "g_idx" else "%g_idx2"
                ins.append((gathered(zero_input, zero_type, by, gather_index),
                            ttype([k, n], zero_type.split("x")[-1].rstrip(">")), ["d0", "d1"]))
    else:
        dims, out_shape = ["d0", "d1", "d2"], [groups, group_rows, n]
        q3 = w.fresh()
        w.add(f"{q3} = tensor.expand_shape {qf} [[0, 1], [2]] output_shape [{groups}, {group_rows}, {n}] : "
              f"{ttype([k, n], q_elem)} into {ttype(out_shape, q_elem)}")
        ins = [(q3, ttype(out_shape, q_elem), dims)]
        scale_index = ["d0 * %d + d1" % group_rows, "d2"] if scale_per_row else ["d0", "d2"]
        ins.append(("%scales", scale_type, scale_index))
        if zero_input:
            ins.append((zero_input, zero_type, ["d0", "d2"]))

    def dequant(a):
        lines, s = _float_cast(a[1], act, arith)
        if int_zero:
            z = a[2] if zero_input else None
            if zero == "symmetric":
                lines.append("%z = arith.constant 8 : i8")
                z = "%z"
            diff = a[0]
            if z is not None:
                lhs, rhs = (a[0], z) if int_zero_order == "q-z" else (z, a[0])
                lines.append(f"%d = arith.subi {lhs}, {rhs} : i8")
                diff = "%d"
            lines.append(f"%df = arith.sitofp {diff} : i8 to {arith}")
            lines.append(f"%w = arith.mulf %df, {s} : {arith}")
            return lines, "%w"
        if zero_input:
            zl, z = _float_cast(a[2], zero_type.split("x")[-1].rstrip(">"), arith)
            lines += zl
        elif zero == "symmetric":
            lines.append(f"%z = arith.constant 8.0 : {arith}")
            z = "%z"
        else:
            z = None
        if z is None:
            diff = a[0]
        else:
            lhs, rhs = (a[0], z) if zero_side == "right" else (z, a[0])
            lines.append(f"%d = arith.subf {lhs}, {rhs} : {arith}")
            diff = "%d"
        lines.append(f"%w = arith.mulf {diff}, {s} : {arith}")
        return lines, "%w"
    deq = w.generic(ins, out_shape, arith, dequant, dims=dims)
    weight = deq
    if not act_order:
        weight = w.fresh()
        w.add(f"{weight} = tensor.collapse_shape {deq} [[0, 1], [2]] : "
              f"{ttype(out_shape, arith)} into {ttype([k, n], arith)}")
    if arith != act:
        weight = w.generic([(weight, ttype([k, n], arith), ["d0", "d1"])], [k, n], act,
                           lambda a: _float_cast(a[0], arith, act))
    results = []
    if extra_user:
        results.append((weight, ttype([k, n], act)))

    # The contraction.
    acc_type = "f32" if acc == "f32" else act
    zero_const = w.fresh("zero")
    w.add(f"{zero_const} = arith.constant 0.0 : {acc_type}")
    dynamic = []
    if consumer in ("matmul", "transposed_maps"):
        out_shape = [None, n]
        dynamic = ["%rows"]
        w.add("%c0 = arith.constant 0 : index")
        w.add(f"%rows = tensor.dim %x, %c0 : {ttype(x_shape, act)}")
    elif consumer == "batch_matmul":
        out_shape = [batch, None, n]
        dynamic = ["%rows"]
        w.add("%c1 = arith.constant 1 : index")
        w.add(f"%rows = tensor.dim %x, %c1 : {ttype(x_shape, act)}")
    else:
        out_shape = [n]
    empty, init, result = w.fresh("e"), w.fresh("init"), w.fresh("mm")
    out_type = ttype(out_shape, acc_type)
    w.add(f"{empty} = tensor.empty({', '.join(dynamic)}) : {out_type}")
    w.add(f"{init} = linalg.fill ins({zero_const} : {acc_type}) outs({empty} : {out_type}) -> {out_type}")
    wt = ttype([k, n], act)
    if consumer == "matmul":
        w.add(f"{result} = linalg.matmul ins(%x, {weight} : {ttype(x_shape, act)}, {wt}) "
              f"outs({init} : {out_type}) -> {out_type}")
    elif consumer in ("transposed_maps", "matvec"):
        te, tw = w.fresh("e"), w.fresh("wt")
        w.add(f"{te} = tensor.empty() : {ttype([n, k], act)}")
        w.add(f"{tw} = linalg.transpose ins({weight} : {wt}) outs({te} : {ttype([n, k], act)}) permutation = [1, 0]")
        if consumer == "matvec":
            w.add(f"{result} = linalg.matvec ins({tw}, %x : {ttype([n, k], act)}, {ttype(x_shape, act)}) "
                  f"outs({init} : {out_type}) -> {out_type}")
        else:
            maps = ", ".join([amap(["m", "n", "k"], r) for r in (["m", "k"], ["n", "k"], ["m", "n"])])
            w.add(f"{result} = linalg.matmul indexing_maps = [{maps}] ins(%x, {tw} : "
                  f"{ttype(x_shape, act)}, {ttype([n, k], act)}) outs({init} : {out_type}) -> {out_type}")
    else:
        wb = w.generic([(weight, wt, ["d1", "d2"])], [batch, k, n], act, lambda a: ([], a[0]))
        w.add(f"{result} = linalg.batch_matmul ins(%x, {wb} : {ttype(x_shape, act)}, "
              f"{ttype([batch, k, n], act)}) outs({init} : {out_type}) -> {out_type}")
    rank = len(out_shape)
    dims = [f"d{i}" for i in range(rank)]
    final = result
    if acc_type != act or bias:
        ins = [(result, out_type, dims)]
        if bias:
            ins.append(("%bias", ttype([n], act), [dims[-1]]))

        def epilogue(a):
            lines, v = _float_cast(a[0], acc_type, act)
            if bias:
                lines.append(f"%b = arith.addf {v}, {a[1]} : {act}")
                v = "%b"
            return lines, v
        final = w.generic(ins, out_shape, act, epilogue, empty_dynamic=dynamic)
    results.insert(0, (final, ttype(out_shape, act)))

    signature = ", ".join(f"{name}: {t}" for name, t in params)
    body = "\n  ".join(w.lines)
    text = (f"func.func @linear({signature}) -> ({', '.join(t for _, t in results)}) {{\n  {body}\n"
            f"  return {', '.join(v for v, _ in results)} : {', '.join(t for _, t in results)}\n}}\n")

    def reference(x, qweight, scales, zeros=None, bias_values=None, g_idx=None):
        """float64 evaluation of the IR above (the first result)."""
        if layout == "gptq":
            q = _reference_nibbles(qweight, shifts, mask).transpose(0, 2, 1).reshape(k, n)
        else:
            q = _reference_nibbles(qweight, shifts, mask).reshape(k, n)
        if zero in ("packed", "packed_v1"):
            z = _reference_nibbles(zeros, zero_shifts or shifts, mask).reshape(groups, n) + (
                zero_add if zero == "packed_v1" else 0)
        elif zero == "float":
            z = np.asarray(zeros, dtype=np.float64)
        else:
            z = np.full((groups, n), 8.0 if zero == "symmetric" else 0.0)
        row_group = np.asarray(g_idx) if act_order else np.arange(k) // group_rows
        diff = q - z[row_group] if int_zero_order == "q-z" else z[row_group] - q
        weights = diff * np.asarray(scales, dtype=np.float64)[row_group]
        xs = np.asarray(x, dtype=np.float64)
        y = xs @ weights
        if bias_values is not None:
            y = y + np.asarray(bias_values, dtype=np.float64)
        return y

    return text, reference


def custom_quant_linear(k=256, n=64, group=64, batch=1, m=3, narrow="i4", unpack="extui",
                        constant_weights=None):
    """torch-mlir's lowering of quant.matmul_rhs_group_quant as `@linear(x,
    weights, scales, zeros)`: a `narrow` (i4, or unpacked ui8 as i8) [N, K/G,
    G] dequant generic feeding a 5-D contraction accumulating in f16.
    `unpack`: "extui" (as torch-mlir writes it), "mask" (`andi 15` first) or
    "trunc" (trunci to i4 first). `constant_weights` ([N, K/G, G] integers):
    the weights are an arith.constant in the function, not an argument."""
    groups = k // group
    w = Writer()
    x_type = ttype([batch, m, k], "f16")
    wq_type = ttype([n, groups, group], narrow)
    s_type = ttype([n, groups, 1], "f16")
    weights = "%weights"
    if constant_weights is not None:
        weights = "%cweights"
        values = np.asarray(constant_weights).reshape(n, groups, group).tolist()
        w.add(f"{weights} = arith.constant dense<{values}> : {wq_type}")

    def body(a):
        lines, value = [], a[0]
        if unpack == "mask":
            lines += [f"%c15 = arith.constant 15 : {narrow}", f"%m = arith.andi {value}, %c15 : {narrow}"]
            value = "%m"
        elif unpack == "trunc":
            lines.append(f"%t = arith.trunci {value} : {narrow} to i4")
            value = "%t"
        src = "i4" if unpack == "trunc" else narrow
        return lines + [f"%i = arith.extui {value} : {src} to i32",
                        "%f = arith.uitofp %i : i32 to f16",
                        f"%d = arith.subf %f, {a[2]} : f16",
                        f"%w = arith.mulf %d, {a[1]} : f16"], "%w"
    deq = w.generic([(weights, wq_type, ["d0", "d1", "d2"]),
                     ("%scales", s_type, ["d0", "d1", "0"]),
                     ("%zeros", s_type, ["d0", "d1", "0"])], [n, groups, group], "f16", body)
    xe = w.fresh("x")
    w.add(f"{xe} = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [{batch}, {m}, {groups}, {group}] : "
          f"{x_type} into {ttype([batch, m, groups, group], 'f16')}")
    out_type = ttype([batch, m, n], "f16")
    w.add("%zero = arith.constant 0.0 : f16")
    w.add(f"%empty = tensor.empty() : {out_type}")
    w.add(f"%init = linalg.fill ins(%zero : f16) outs(%empty : {out_type}) -> {out_type}")
    dims = ["d0", "d1", "d2", "d3", "d4"]
    maps = ", ".join(amap(dims, r) for r in (["d0", "d1", "d3", "d4"], ["d2", "d3", "d4"], ["d0", "d1", "d2"]))
    w.add(f"%mm = linalg.generic {{indexing_maps = [{maps}], iterator_types = "
          '["parallel", "parallel", "parallel", "reduction", "reduction"]} '
          f"ins({xe}, {deq} : {ttype([batch, m, groups, group], 'f16')}, {ttype([n, groups, group], 'f16')}) "
          f"outs(%init : {out_type}) {{")
    w.add("^bb0(%in: f16, %wt: f16, %out: f16):")
    w.add("  %p = arith.mulf %in, %wt : f16")
    w.add("  %s = arith.addf %out, %p : f16")
    w.add("  linalg.yield %s : f16")
    w.add(f"}} -> {out_type}")
    body = "\n  ".join(w.lines)
    weight_param = "" if constant_weights is not None else f"%weights: {wq_type}, "
    text = (f"func.func @linear(%x: {x_type}, {weight_param}%scales: {s_type}, "
            f"%zeros: {s_type}) -> {out_type} {{\n  {body}\n  return %mm : {out_type}\n}}\n")

    def reference(x, weights, scales, zeros):
        weights = np.asarray(weights).astype(np.int64)
        if unpack != "extui":
            weights = weights & 15
        deq_w = (weights.astype(np.float64) - zeros) * scales  # [N, groups, G]
        return np.asarray(x, np.float64) @ deq_w.reshape(n, k).T

    return text, reference
