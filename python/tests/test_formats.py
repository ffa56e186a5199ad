"""Unit tests of the numpy GPTQ / AWQ formats and the float64 reference."""
import numpy as np
import pytest

from w4a16 import formats
from w4a16.formats import Scheme

RNG = np.random.default_rng(1234)


def random_nibbles(shape):
    return RNG.integers(0, 16, size=shape, dtype=np.int32)


@pytest.mark.parametrize("layout", ["gptq", "awq"])
@pytest.mark.parametrize("k,n", [(8, 8), (96, 40), (200, 72), (64, 24)])
def test_weight_round_trip(layout, k, n):
    q = random_nibbles((k, n))
    packed = formats.pack_weights(q, layout)
    expected = (k // 8, n) if layout == "gptq" else (k, n // 8)
    assert packed.shape == expected and packed.dtype == np.int32
    np.testing.assert_array_equal(formats.unpack_weights(packed, layout), q)


@pytest.mark.parametrize("layout", formats.LAYOUTS)
def test_zero_round_trip(layout):
    z = random_nibbles((5, 48))
    packed = formats.pack_zeros(z, layout)
    assert packed.shape == (5, 6) and packed.dtype == np.int32
    np.testing.assert_array_equal(formats.unpack_zeros(packed, layout), z)


def test_gptq_word_by_hand():
    # Rows 0..7 of column 0 hold 0..7: row i in bits 4i..4i+3.
    q = np.zeros((8, 2), dtype=np.int32)
    q[:, 0] = np.arange(8)
    q[:, 1] = [15, 0, 0, 0, 0, 0, 0, 1]
    packed = formats.pack_weights(q, "gptq")
    assert packed.shape == (1, 2)
    assert packed.view(np.uint32)[0, 0] == 0x76543210
    assert packed.view(np.uint32)[0, 1] == 0x1000000F
    np.testing.assert_array_equal(
        formats.unpack_weights(np.array([[0x76543210]], dtype=np.uint32)
                               .view(np.int32), "gptq")[:, 0], np.arange(8))


def test_awq_word_by_hand():
    # Columns 0..7 hold 0..7; nibble i holds column [0,2,4,6,1,3,5,7][i].
    q = np.arange(8, dtype=np.int32)[None, :]
    packed = formats.pack_weights(q, "awq")
    assert packed.shape == (1, 1)
    assert packed.view(np.uint32)[0, 0] == 0x75316420
    # The top nibble (7) is column 7, the second nibble (1) is column 2.
    one_hot = np.zeros((1, 8), dtype=np.int32)
    one_hot[0, 2] = 0xA
    assert formats.pack_weights(one_hot, "awq").view(np.uint32)[0, 0] == 0xA0


@pytest.mark.parametrize("k,n", [(32, 16), (96, 48), (64, 160)])
def test_fragment_round_trip(k, n):
    q = random_nibbles((k, n))
    packed = formats.pack_weights(q, "fragment")
    assert packed.shape == (k // 32, n // 16, 64) and packed.dtype == np.int32
    np.testing.assert_array_equal(formats.unpack_weights(packed, "fragment"),
                                  q)


def test_fragment_word_by_hand():
    # Column 0, rows 0..7 hold 0..7: row i sits in nibble [0,4,1,5,2,6,3,7][i],
    # so the word reads 7 5 3 1 6 4 2 0 from the top nibble down.
    q = np.zeros((64, 32), dtype=np.int32)
    q[:8, 0] = np.arange(8)
    # Row 40 (block kb = 1, word j = 1, row 0 of the word) of column 21
    # (block nt = 1, column c = 5): word 4 * 5 + 1 of block (1, 1), nibble 0.
    q[40, 21] = 9
    words = formats.pack_weights(q, "fragment").view(np.uint32)
    assert words[0, 0, 0] == 0x75316420
    assert words[1, 1, 21] == 9
    assert np.count_nonzero(words) == 2


def test_fragment_zeros_keep_gptq_order():
    z = np.arange(8, dtype=np.int32)[None, :]
    assert formats.pack_zeros(z, "fragment").view(np.uint32)[0, 0] == \
        0x76543210


def test_gptq_zeros_by_hand():
    z = np.arange(8, dtype=np.int32)[None, :]
    assert formats.pack_zeros(z, "gptq").view(np.uint32)[0, 0] == 0x76543210
    assert formats.pack_zeros(z, "awq").view(np.uint32)[0, 0] == 0x75316420


def test_sign_bit_survives():
    # A 15 in the top nibble makes the int32 word negative.
    q = np.full((8, 1), 15, dtype=np.int32)
    packed = formats.pack_weights(q, "gptq")
    assert packed[0, 0] == -1
    np.testing.assert_array_equal(formats.unpack_weights(packed, "gptq"), q)


def test_wrong_order_detected():
    # Reading AWQ words in plain order, or GPTQ words with reversed nibbles,
    # scrambles most values: a round trip through the wrong order fails.
    q = random_nibbles((16, 64))
    awq = formats.pack_weights(q, "awq")
    assert np.mean(formats.unpack_last_axis(awq, "gptq") != q) > 0.5
    gptq = formats.pack_weights(q, "gptq").view(np.uint32)
    reversed_nibbles = np.zeros_like(gptq)
    for i in range(8):
        reversed_nibbles |= ((gptq >> np.uint32(4 * i)) & np.uint32(0xF)) << \
            np.uint32(4 * (7 - i))
    misread = formats.unpack_weights(reversed_nibbles.view(np.int32), "gptq")
    assert np.mean(misread != q) > 0.5


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        formats.pack_weights(np.full((8, 8), 16), "gptq")
    with pytest.raises(ValueError):
        formats.pack_weights(np.zeros((12, 8), dtype=np.int32), "gptq")
    with pytest.raises(ValueError):
        formats.pack_weights(np.zeros((8, 8)), "marlin")
    with pytest.raises(ValueError):
        formats.pack_weights(np.zeros((32, 8), dtype=np.int32), "fragment")
    with pytest.raises(ValueError):
        formats.pack_weights(np.zeros((48, 16), dtype=np.int32), "fragment")
    with pytest.raises(ValueError):
        Scheme(group_size=12)
    with pytest.raises(ValueError):
        Scheme(layout="awq", zero_point="packed", gptq_v1=True)


def test_scheme_text():
    assert Scheme("gptq", 32, "symmetric").mlir() == (
        "#w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>")
    assert str(Scheme("gptq", 128, "packed", gptq_v1=True)) == (
        "#w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed, "
        "gptq_v1 = true>")
    assert str(Scheme("awq", -1, "float")) == (
        "#w4a16.scheme<layout = awq, group_size = -1, zero_point = float>")
    assert Scheme(group_size=-1).num_groups(96) == 1
    assert Scheme(group_size=32).num_groups(96) == 3


def loop_dequantize(q, s, z, groups_of_rows):
    """Element-by-element W[k, n] = (q - z[g(k), n]) * s[g(k), n]."""
    k_size, n_size = q.shape
    w = np.empty((k_size, n_size))
    for k in range(k_size):
        for n in range(n_size):
            g = groups_of_rows[k]
            w[k, n] = (q[k, n] - z[g, n]) * s[g, n]
    return w


@pytest.mark.parametrize("scheme", [
    Scheme("gptq", 16, "symmetric"),
    Scheme("gptq", 32, "none"),
    Scheme("gptq", 16, "packed"),
    Scheme("gptq", 16, "packed", gptq_v1=True),
    Scheme("awq", 32, "packed"),
    Scheme("awq", -1, "float"),
    Scheme("fragment", 32, "packed", gptq_v1=True),
    Scheme("fragment", 16, "symmetric"),
])
def test_dequantize_matches_loop(scheme):
    k, n = 64, 16
    groups = scheme.num_groups(k)
    q = random_nibbles((k, n))
    s = RNG.uniform(0.5, 2.0, size=(groups, n))
    stored = random_nibbles((groups, n))
    if scheme.zero_point == "packed":
        zeros = formats.pack_zeros(stored, scheme.layout)
        z = stored + (1 if scheme.gptq_v1 else 0)
    elif scheme.zero_point == "float":
        zeros = RNG.uniform(0, 15, size=(groups, n))
        z = zeros
    else:
        zeros = None
        z = np.full((groups, n), 8 if scheme.zero_point == "symmetric" else 0)
    rows = np.arange(k) // scheme.effective_group_size(k)
    w = formats.dequantize(formats.pack_weights(q, scheme.layout), s, scheme,
                           zeros)
    np.testing.assert_array_equal(w, loop_dequantize(q, s, z, rows))


def test_dequantize_g_idx():
    scheme = Scheme("gptq", 16, "symmetric")
    k, n = 64, 8
    q = random_nibbles((k, n))
    s = RNG.uniform(0.5, 2.0, size=(4, n))
    g_idx = RNG.permutation(np.arange(k) // 16)
    w = formats.dequantize(formats.pack_weights(q, "gptq"), s, scheme,
                           g_idx=g_idx)
    np.testing.assert_array_equal(
        w, loop_dequantize(q, s, np.full((4, n), 8), g_idx))
    # Ignoring g_idx gives different weights.
    assert not np.array_equal(
        w, formats.dequantize(formats.pack_weights(q, "gptq"), s, scheme))


def test_matmul_reference_batch_and_init():
    scheme = Scheme("awq", 32, "none")
    q = random_nibbles((64, 16))
    s = RNG.uniform(0.5, 2.0, size=(2, 16))
    x = RNG.standard_normal((2, 3, 64))
    init = RNG.standard_normal((2, 3, 16))
    packed = formats.pack_weights(q, "awq")
    y = formats.matmul_reference(x, packed, s, scheme, init=init)
    w = formats.dequantize(packed, s, scheme)
    assert y.shape == (2, 3, 16)
    np.testing.assert_allclose(y[1], x[1] @ w + init[1], rtol=1e-12)


def test_bf16_bits():
    values = np.array([1.0, -2.5, 3.140625, 0.0], dtype=np.float32)
    bits = formats.f32_to_bf16_bits(values)
    np.testing.assert_array_equal(bits, [0x3F80, 0xC020, 0x4049, 0])
    np.testing.assert_array_equal(formats.bf16_bits_to_f32(bits), values)
    # Rounds to nearest even: 1 + 2^-8 is a tie between 1 and 1 + 2^-7.
    assert formats.f32_to_bf16_bits(np.float32(1 + 2**-8)) == 0x3F80
    assert formats.f32_to_bf16_bits(np.float32(1 + 3 * 2**-8)) == 0x3F82
