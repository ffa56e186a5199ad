"""GPTQ / AWQ 4-bit weight formats in numpy, and a float64 reference.

Written from the format description (shared notes, formats.md), not from the
C++ code, so that tests comparing the two catch a mistake in either:

- GPTQ weights: int32 ``[K/8, N]``; word ``(r, n)`` holds row ``8r + i`` of
  column ``n`` in bits ``4i..4i+3``.
- AWQ weights: int32 ``[K, N/8]``; nibble ``i`` of word ``(k, c)`` holds
  column ``8c + AWQ_NIBBLE_TO_COLUMN[i]``.
- Fragment weights (what the gfx11 WMMA microkernels load): int32
  ``[K/32, N/16, 64]``; block ``(kb, nt)`` holds rows ``32kb..32kb+31`` of
  columns ``16nt..16nt+15``, column ``c`` in words ``4c..4c+3``, word ``j``
  holding rows ``8j..8j+7``, row ``8j + i`` in nibble
  ``FRAGMENT_NIBBLE_OF_ROW[i]``.
- Packed zeros: int32 ``[groups, N/8]``, packed along N in the nibble order
  of the layout's weights along N (plain for GPTQ, interleaved for AWQ);
  fragment schemes keep GPTQ zeros.
- ``W[k, n] = (q[k, n] - z[g(k), n]) * s[g(k), n]`` with ``g(k) = k // G`` or
  ``g_idx[k]``; the zero is 8 for symmetric schemes, 0 for none, and the
  stored value plus one for GPTQ v1 checkpoints.

bf16 has no numpy dtype: bf16 data is carried as uint16 bit patterns.
"""
from dataclasses import dataclass

import numpy as np

VALUES_PER_WORD = 8
BITS_PER_VALUE = 4
SYMMETRIC_ZERO_POINT = 8
PER_CHANNEL = -1

LAYOUTS = ("gptq", "awq", "fragment")
ZERO_POINTS = ("none", "symmetric", "packed", "float")

# Nibble i of an AWQ word holds column AWQ_NIBBLE_TO_COLUMN[i] of its 8.
AWQ_NIBBLE_TO_COLUMN = np.array([0, 2, 4, 6, 1, 3, 5, 7])

# Fragment layout: K rows and N columns of a block, and the nibble that holds
# row i of a word (consecutive rows 2m, 2m+1 in nibbles m and m+4).
FRAGMENT_BLOCK_K = 32
FRAGMENT_BLOCK_N = 16
FRAGMENT_NIBBLE_OF_ROW = np.array([0, 4, 1, 5, 2, 6, 3, 7])


def f32_to_bf16_bits(values):
    """Rounds float values to bf16 (nearest even) and returns the bits."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32)
    bits = bits.astype(np.uint64)
    # uint64 constants: uint64 mixed with a Python int promotes to float64.
    half, lsb = np.uint64(0x7FFF), (bits >> np.uint64(16)) & np.uint64(1)
    rounded = (bits + half + lsb) >> np.uint64(16)
    return rounded.astype(np.uint16)


def bf16_bits_to_f32(bits):
    """The float32 values of bf16 bit patterns (exact)."""
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(
        np.float32)


def column_to_nibble(layout):
    """For each of the 8 positions along the packed dimension of a word, the
    nibble that holds it, for weights or zeros packed along N (AWQ
    interleaves, GPTQ does not) and for GPTQ weights packed along K."""
    if layout == "awq":
        return np.argsort(AWQ_NIBBLE_TO_COLUMN)
    if layout == "gptq":
        return np.arange(VALUES_PER_WORD)
    raise ValueError(f"unknown layout {layout!r}")


def pack_last_axis(values, layout):
    """Packs 4-bit values along the last axis (length a multiple of 8) into
    int32 words in the nibble order of `layout`."""
    values = np.asarray(values)
    if values.shape[-1] % VALUES_PER_WORD:
        raise ValueError(f"packed axis of length {values.shape[-1]} is not a "
                         "multiple of 8")
    if values.size and (values.min() < 0 or values.max() > 15):
        raise ValueError("4-bit values must lie in [0, 15]")
    grouped = values.astype(np.uint32).reshape(
        *values.shape[:-1], -1, VALUES_PER_WORD)
    shifts = (BITS_PER_VALUE * column_to_nibble(layout)).astype(np.uint32)
    # The nibbles of a word are disjoint, so the sum is a bitwise or.
    words = (grouped << shifts).sum(axis=-1, dtype=np.uint32)
    return words.view(np.int32)


def unpack_last_axis(words, layout):
    """Inverse of `pack_last_axis`: int32 words to 4-bit values (int32)."""
    words = np.asarray(words, dtype=np.int32).view(np.uint32)
    shifts = (BITS_PER_VALUE * column_to_nibble(layout)).astype(np.uint32)
    values = (words[..., None] >> shifts) & 0xF
    return values.reshape(*words.shape[:-1], -1).astype(np.int32)


def _fragment_blocks(k, n):
    """The [K, N] -> [kb, j, i, nt, c] split of the fragment layout (row
    32kb + 8j + i, column 16nt + c)."""
    if k % FRAGMENT_BLOCK_K or n % FRAGMENT_BLOCK_N:
        raise ValueError(f"the fragment layout needs K % 32 == 0 and "
                         f"N % 16 == 0, got K={k}, N={n}")
    words_per_column = FRAGMENT_BLOCK_K // VALUES_PER_WORD
    return (k // FRAGMENT_BLOCK_K, words_per_column, VALUES_PER_WORD,
            n // FRAGMENT_BLOCK_N, FRAGMENT_BLOCK_N)


def fragment_sources(k, n):
    """Where the fragment layout takes its values from: int64
    [K/32, N/16, 64, 8], entry [kb, nt, w, s] the flat index into the [K, N]
    values of nibble s of word w of block (kb, nt). A gather plus shifts by
    4 s packs the layout with any array library (the benchmark does it on
    the GPU)."""
    kb, j, i, nt, c = _fragment_blocks(k, n)
    # [kb, nt, c, j, i]: word 4c + j of block (kb, nt), row i of the word.
    rows = np.arange(k * n, dtype=np.int64).reshape(kb, j, i, nt, c).transpose(
        0, 3, 4, 1, 2)
    nibbles = rows[..., np.argsort(FRAGMENT_NIBBLE_OF_ROW)]
    return np.ascontiguousarray(nibbles.reshape(kb, nt, c * j, i))


def pack_fragment(q):
    """[K, N] 4-bit values to the fragment layout [K/32, N/16, 64]."""
    q = np.asarray(q)
    nibbles = q.reshape(-1).astype(np.uint32)[fragment_sources(*q.shape)]
    shifts = BITS_PER_VALUE * np.arange(VALUES_PER_WORD, dtype=np.uint32)
    return (nibbles << shifts).sum(axis=-1, dtype=np.uint32).view(np.int32)


def unpack_fragment(qweight):
    """Fragment-layout [K/32, N/16, 64] weights to [K, N] values."""
    words = np.asarray(qweight, dtype=np.int32).view(np.uint32)
    kb, nt = words.shape[:2]
    k, n = kb * FRAGMENT_BLOCK_K, nt * FRAGMENT_BLOCK_N
    _, j, i, _, c = _fragment_blocks(k, n)
    if words.shape != (kb, nt, c * j):
        raise ValueError(f"fragment weights must have shape ({kb}, {nt}, "
                         f"{c * j}), got {words.shape}")
    shifts = (BITS_PER_VALUE * FRAGMENT_NIBBLE_OF_ROW).astype(np.uint32)
    rows = (words.reshape(kb, nt, c, j)[..., None] >> shifts) & 0xF
    # [kb, nt, c, j, i] -> [kb, j, i, nt, c] -> [K, N]
    return np.ascontiguousarray(rows.transpose(0, 3, 4, 1, 2)).reshape(
        k, n).astype(np.int32)


def pack_weights(q, layout):
    """[K, N] 4-bit values to packed weights: GPTQ [K/8, N], AWQ [K, N/8],
    fragment [K/32, N/16, 64]."""
    q = np.asarray(q)
    if layout == "fragment":
        return pack_fragment(q)
    if layout == "gptq":
        return np.ascontiguousarray(pack_last_axis(q.T, layout).T)
    return pack_last_axis(q, layout)


def unpack_weights(qweight, layout):
    """Packed weights (GPTQ [K/8, N], AWQ [K, N/8] or fragment
    [K/32, N/16, 64]) to [K, N] values."""
    qweight = np.asarray(qweight)
    if layout == "fragment":
        return unpack_fragment(qweight)
    if layout == "gptq":
        return np.ascontiguousarray(unpack_last_axis(qweight.T, layout).T)
    return unpack_last_axis(qweight, layout)


def zeros_layout(layout):
    """Nibble order of a layout's packed zeros: fragment keeps GPTQ's."""
    return "awq" if layout == "awq" else "gptq"


def pack_zeros(z, layout):
    """[groups, N] 4-bit zero points to packed [groups, N/8] int32, for
    weights in `layout`."""
    return pack_last_axis(z, zeros_layout(layout))


def unpack_zeros(qzeros, layout):
    """Packed [groups, N/8] zero points (weights in `layout`) to
    [groups, N] values."""
    return unpack_last_axis(qzeros, zeros_layout(layout))


def repack_awq_to_gptq(qweight):
    """AWQ weights [K, N/8] to GPTQ weights [K/8, N] of the same values (the
    load-time repack through which AWQ reaches the GPU kernels)."""
    return pack_weights(unpack_weights(qweight, "awq"), "gptq")


def repack_awq_zeros_to_gptq(qzeros):
    """AWQ packed zeros [groups, N/8] (AWQ nibble order) to GPTQ order, the
    order GPTQ and fragment schemes read."""
    return pack_zeros(unpack_zeros(qzeros, "awq"), "gptq")


@dataclass(frozen=True)
class Scheme:
    """A quantization scheme, as `#w4a16.scheme<...>` states it."""
    layout: str = "gptq"
    group_size: int = 128
    zero_point: str = "symmetric"
    gptq_v1: bool = False

    def __post_init__(self):
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, "
                             f"got {self.layout!r}")
        if self.zero_point not in ZERO_POINTS:
            raise ValueError(f"zero_point must be one of {ZERO_POINTS}, "
                             f"got {self.zero_point!r}")
        if self.group_size != PER_CHANNEL and (
                self.group_size <= 0 or self.group_size % VALUES_PER_WORD):
            raise ValueError("group_size must be a positive multiple of 8 or "
                             f"-1, got {self.group_size}")
        v1_applies = (self.layout in ("gptq", "fragment") and
                      self.zero_point == "packed")
        if self.gptq_v1 and not v1_applies:
            raise ValueError("gptq_v1 needs layout gptq or fragment and "
                             "packed zeros")

    @property
    def per_channel(self):
        return self.group_size == PER_CHANNEL

    @property
    def has_zeros(self):
        """Whether ops with this scheme take a zeros operand."""
        return self.zero_point in ("packed", "float")

    def effective_group_size(self, k):
        return k if self.per_channel else self.group_size

    def num_groups(self, k):
        return k // self.effective_group_size(k)

    def mlir(self):
        text = (f"#w4a16.scheme<layout = {self.layout}, group_size = "
                f"{self.group_size}, zero_point = {self.zero_point}")
        if self.gptq_v1:
            text += ", gptq_v1 = true"
        return text + ">"

    def __str__(self):
        return self.mlir()


def group_of_rows(scheme, k, g_idx=None):
    """g(k) for every K row: g_idx when given (act-order), else k // G."""
    if g_idx is not None:
        g_idx = np.asarray(g_idx, dtype=np.int64)
        if g_idx.shape != (k,):
            raise ValueError(f"g_idx must have shape ({k},), got {g_idx.shape}")
        return g_idx
    return np.arange(k) // scheme.effective_group_size(k)


def zero_points(scheme, n, groups, zeros=None):
    """The [groups, N] float64 zero points of a scheme."""
    if scheme.zero_point == "none":
        return np.zeros((groups, n))
    if scheme.zero_point == "symmetric":
        return np.full((groups, n), float(SYMMETRIC_ZERO_POINT))
    if zeros is None:
        raise ValueError(f"zero_point = {scheme.zero_point} needs zeros")
    if scheme.zero_point == "float":
        return np.asarray(zeros, dtype=np.float64)
    z = unpack_zeros(zeros, scheme.layout).astype(np.float64)
    return z + 1.0 if scheme.gptq_v1 else z


def dequantize(qweight, scales, scheme, zeros=None, g_idx=None):
    """The float64 [K, N] weights W[k, n] = (q - z[g(k), n]) * s[g(k), n].

    `scales` and float `zeros` are float arrays (convert bf16 bit patterns
    with `bf16_bits_to_f32` first)."""
    q = unpack_weights(qweight, scheme.layout).astype(np.float64)
    k, n = q.shape
    scales = np.asarray(scales, dtype=np.float64)
    groups = scales.shape[0]
    if scales.shape != (scheme.num_groups(k), n):
        raise ValueError(f"scales must have shape "
                         f"({scheme.num_groups(k)}, {n}), got {scales.shape}")
    rows = group_of_rows(scheme, k, g_idx)
    z = zero_points(scheme, n, groups, zeros)
    return (q - z[rows]) * scales[rows]


def matmul_reference(x, qweight, scales, scheme, zeros=None, g_idx=None,
                     init=None):
    """float64 `init + x @ W` for x [..., M, K] (W from `dequantize`)."""
    w = dequantize(qweight, scales, scheme, zeros, g_idx)
    y = np.asarray(x, dtype=np.float64) @ w
    if init is not None:
        y = y + np.asarray(init, dtype=np.float64)
    return y
