"""The numpy AWQ repack of w4a16.formats against the C++ host repack (the
folders of `w4a16.repack` / `w4a16.repack_zeros`, which call
w4a16/Support/Repack.h), on random words."""
import re

import numpy as np
import pytest

from w4a16 import compiler, formats


def fold(op_text, source, result_shape):
    """The constant that canonicalization folds `op_text` of the constant
    `source` into, as int32 of `result_shape`."""
    source_type = f"tensor<{'x'.join(map(str, source.shape))}xi32>"
    result_type = f"tensor<{'x'.join(map(str, result_shape))}xi32>"
    words = ", ".join(str(int(w)) for w in source.ravel())
    module = (f"func.func @f() -> {result_type} {{\n"
              f"  %w = arith.constant dense<[{words}]> : "
              f"tensor<{source.size}xi32>\n"
              f"  %s = tensor.expand_shape %w [[0, 1]] output_shape "
              f"[{source.shape[0]}, {source.shape[1]}] : "
              f"tensor<{source.size}xi32> into {source_type}\n"
              f"  %r = {op_text.format(source='%s', source_type=source_type, result_type=result_type)}\n"
              f"  return %r : {result_type}\n}}\n")
    folded = compiler.run_pipeline(module, "canonicalize")
    assert "w4a16.repack" not in folded, folded
    constant = re.search(r"arith.constant dense<(.*)> : " +
                         re.escape(result_type), folded)
    assert constant, folded
    values = [int(v) for v in re.findall(r"-?\d+", constant.group(1))]
    if len(values) == 1:
        values = values * int(np.prod(result_shape))
    return np.array(values, dtype=np.int64).astype(np.int32).reshape(
        result_shape)


@pytest.mark.parametrize("k,n", [(8, 8), (16, 24), (32, 16)])
def test_awq_weights_match_cpp(k, n):
    rng = np.random.default_rng(k * n)
    awq = formats.pack_weights(rng.integers(0, 16, size=(k, n)), "awq")
    expected = formats.repack_awq_to_gptq(awq)
    got = fold("w4a16.repack {source} from awq to gptq : {source_type} -> "
               "{result_type}", awq, expected.shape)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(formats.unpack_weights(expected, "gptq"),
                                  formats.unpack_weights(awq, "awq"))


@pytest.mark.parametrize("groups,n", [(1, 8), (3, 32)])
def test_awq_zeros_match_cpp(groups, n):
    rng = np.random.default_rng(groups + n)
    awq = formats.pack_zeros(rng.integers(0, 16, size=(groups, n)), "awq")
    expected = formats.repack_awq_zeros_to_gptq(awq)
    got = fold("w4a16.repack_zeros {source} from awq to gptq : {source_type}",
               awq, expected.shape)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(formats.unpack_zeros(expected, "gptq"),
                                  formats.unpack_zeros(awq, "awq"))


def test_awq_zeros_word_by_hand():
    # Columns 0..7 of the AWQ word 0x76543210 are 0, 4, 1, 5, 2, 6, 3, 7.
    awq = np.array([[0x76543210]], dtype=np.uint32).view(np.int32)
    assert formats.repack_awq_zeros_to_gptq(awq).view(np.uint32)[0, 0] == \
        0x73625140
