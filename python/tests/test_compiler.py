"""The compiler API of the w4a16 package: pass pipelines on IR text, MLIR
diagnostics raised as CompileError with locations, compile() inputs and
backends. Run with PYTHONPATH=<build>/python_packages."""
import os
import re

import pytest

from w4a16 import compiler

# `arith.addi %a, 0` folds away under canonicalize: proof that a pipeline ran.
ADD_ZERO = """\
func.func @f(%a: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %b = arith.addi %a, %c0 : i32
  return %b : i32
}
"""

MATMUL = """\
func.func @linear(%x: tensor<2x64xf16>, %w: tensor<8x16xi32>,
                  %s: tensor<2x16xf16>, %init: tensor<2x16xf16>) -> tensor<2x16xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %w, %s : tensor<2x64xf16>, tensor<8x16xi32>, tensor<2x16xf16>)
         outs(%init : tensor<2x16xf16>) -> tensor<2x16xf16>
  return %0 : tensor<2x16xf16>
}
"""

# Bufferization cannot handle the cast: a pass failure located at line 2.
UNBUFFERIZABLE = """\
func.func @f(%t: tensor<4xf32>) -> tensor<?xf32> {
  %u = builtin.unrealized_conversion_cast %t : tensor<4xf32> to tensor<?xf32>
  return %u : tensor<?xf32>
}
"""


class StandInModule:
    """Looks like an MLIR Python bindings module (what torch-mlir returns)."""

    class Operation:
        def __init__(self, text):
            self.text = text

        def get_asm(self):
            return self.text

    def __init__(self, text):
        self.operation = self.Operation(text)

    def __str__(self):
        raise AssertionError("operation.get_asm() must be preferred")


class PrintsIR:
    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


@pytest.mark.parametrize("pipeline", [
    "canonicalize",
    "builtin.module(canonicalize)",
    " builtin.module( canonicalize ) ",
    "func.func(canonicalize)",
    "builtin.module(func.func(canonicalize))",
])
def test_pipeline_forms_all_run(pipeline):
    assert "arith.addi" in compiler.run_pipeline(ADD_ZERO, "")
    result = compiler.run_pipeline(ADD_ZERO, pipeline)
    assert "arith.addi" not in result
    assert "return %arg0 : i32" in result


def test_empty_pipeline_round_trips():
    printed = compiler.run_pipeline(MATMUL, "")
    assert "w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32" in printed
    assert compiler.run_pipeline(printed, "") == printed


def test_pipeline_lowers_our_dialect():
    lowered = compiler.run_pipeline(MATMUL, "convert-w4a16-to-linalg")
    assert "w4a16.matmul" not in lowered
    assert "linalg.generic" in lowered
    # The result is valid IR again.
    assert compiler.run_pipeline(lowered, "") == lowered


def test_parse_error_has_location():
    with pytest.raises(compiler.CompileError) as info:
        compiler.run_pipeline("func.func @f(\n", "canonicalize",
                              source_name="model.mlir")
    error = info.value
    assert isinstance(error, Exception)
    assert error.diagnostics[0].severity == "error"
    assert re.fullmatch(r"model\.mlir:\d+:\d+", error.diagnostics[0].location)
    assert str(error).startswith("model.mlir:")


def test_verifier_error_has_location_and_notes():
    # The second use of %x has another type: an error at line 3 with a note
    # pointing at line 2.
    bad = ("func.func @f(%a: i32) -> i64 {\n"
           "  %x = arith.extsi %a : i32 to i64\n"
           "  %y = arith.addi %x, %x : i32\n"
           "  return %x : i64\n"
           "}\n")
    with pytest.raises(compiler.CompileError) as info:
        compiler.run_pipeline(bad, "")
    diagnostics = info.value.diagnostics
    assert diagnostics[0] == compiler.Diagnostic(
        "error", "<input>:3:19",
        "use of value '%x' expects different type than prior uses: "
        "'i32' vs 'i64'")
    assert diagnostics[1].severity == "note"
    assert diagnostics[1].location.startswith("<input>:2:")


def test_w4a16_verifier_error_is_raised():
    # Three groups of scales for K = 64 in groups of 32.
    bad = MATMUL.replace("%s: tensor<2x16xf16>", "%s: tensor<3x16xf16>")
    bad = bad.replace("tensor<8x16xi32>, tensor<2x16xf16>)",
                      "tensor<8x16xi32>, tensor<3x16xf16>)")
    with pytest.raises(compiler.CompileError) as info:
        compiler.run_pipeline(bad, "")
    assert info.value.diagnostics[0].location.startswith("<input>:")
    assert "scales must have shape [2, 16]" in str(info.value)


def test_failing_pass_has_location():
    with pytest.raises(compiler.CompileError) as info:
        compiler.run_pipeline(UNBUFFERIZABLE, "one-shot-bufferize")
    first = info.value.diagnostics[0]
    assert first == compiler.Diagnostic("error", "<input>:2:8",
                                        "op was not bufferized")


@pytest.mark.parametrize("pipeline", ["no-such-pass",
                                      "builtin.module(canonicalize"])
def test_bad_pipeline_is_raised(pipeline):
    with pytest.raises(compiler.CompileError) as info:
        compiler.run_pipeline(ADD_ZERO, pipeline)
    assert f"invalid pass pipeline '{pipeline}'" in str(info.value)


def test_has_pass():
    assert compiler.has_pass("convert-w4a16-to-linalg")
    assert compiler.has_pass("w4a16-cpu-pipeline")
    assert compiler.has_pass("canonicalize")
    assert not compiler.has_pass("no-such-pass")


def test_compile_cpu_from_text():
    result = compiler.compile(MATMUL, backend="cpu")
    assert result.backend == "cpu" and result.chipset is None
    assert "llvm.func @linear" in result.ir
    assert "w4a16." not in result.ir and "linalg." not in result.ir
    assert result.binary is None and result.isa is None
    assert result.manifest is None and result.report is None


@pytest.mark.parametrize("wrap", [StandInModule, PrintsIR])
def test_compile_from_module_object(wrap):
    from_object = compiler.compile(wrap(MATMUL), backend="cpu")
    assert from_object == compiler.compile(MATMUL, backend="cpu")


def test_module_text_rejects_non_text_asm():
    with pytest.raises(TypeError, match="not a str"):
        compiler.module_text(StandInModule(b"bytes"))


def test_compile_failure_has_location():
    with pytest.raises(compiler.CompileError) as info:
        compiler.compile(UNBUFFERIZABLE, backend="cpu")
    assert info.value.diagnostics[0].location == "<input>:2:8"


@pytest.mark.parametrize("chipset", ["gfx942", "sm_70", ""])
def test_unsupported_chipset_is_a_compile_error(chipset):
    with pytest.raises(compiler.CompileError,
                       match=f"unsupported chip '{chipset}'; supported: gfx1100"):
        compiler.compile(MATMUL, chipset=chipset)


def test_rdna4_is_refused_as_not_supported_yet():
    with pytest.raises(compiler.CompileError,
                       match="chip 'gfx1200': RDNA4 .* not supported yet"):
        compiler.compile(MATMUL, chipset="gfx1200")


# The default kernels are the kernel chip's faster ones: the microkernels for
# the emulated gfx11 kernels, MLIR's for sm_90.
@pytest.mark.parametrize("chipset, emulate, decode", [
    ("gfx1100", "sm_90", "matmul_0_decode_ukernel"),
    ("sm_90", None, "matmul_0_decode")])
def test_compile_for_nvidia_gives_ptx_and_manifest(chipset, emulate, decode):
    result = compiler.compile(MATMUL, chipset=chipset, emulate=emulate)
    ptx = result.binary.decode()
    assert ".target sm_90" in ptx and result.isa == ptx
    assert ".visible .global .align 4 .u32 w4a16_emulation_error;" in ptx
    manifest = result.manifest
    assert manifest["code_object"] == "ptx" and manifest["chip"] == "sm_90"
    assert manifest["kernel_chip"] == chipset
    assert manifest["error_flag"] == "w4a16_emulation_error"
    # K = 64 is too short to split: the one kernel writes out itself.
    assert [k["symbol"] for k in manifest["kernels"]] == [decode]
    assert [a["name"] for a in manifest["kernels"][0]["args"]][-3:] == [
        "init", "out", "m"]
    for kernel in manifest["kernels"]:
        assert f".visible .entry {kernel['symbol']}(" in ptx
    assert result.report is None


def test_emulate_needs_gfx11_kernels_and_an_nvidia_chip():
    with pytest.raises(compiler.CompileError,
                       match="chipset='sm_80' and emulate='sm_90' are not "
                             "such a pair"):
        compiler.compile(MATMUL, chipset="sm_80", emulate="sm_90")


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown backend 'rocm'"):
        compiler.compile(MATMUL, backend="rocm")


# torch-mlir's custom quant op lowering (shared/notes/prior-art.md, form 1):
# i4 weights [N, K/G, G] dequantized by a 3-D generic, then a contraction over
# (group, in-group K) accumulating in f16. N = 8, K = 64, G = 32.
TORCH_MLIR_CUSTOM_QUANT = """\
#map_w = affine_map<(n, g, k) -> (n, g, k)>
#map_s = affine_map<(n, g, k) -> (n, g, 0)>
#map_x = affine_map<(b, m, n, g, k) -> (b, m, g, k)>
#map_dq = affine_map<(b, m, n, g, k) -> (n, g, k)>
#map_y = affine_map<(b, m, n, g, k) -> (b, m, n)>
func.func @linear(%x: tensor<1x2x64xf16>, %w: tensor<8x2x32xi4>,
                  %s: tensor<8x2x1xf16>, %z: tensor<8x2x1xf16>) -> tensor<1x2x8xf16> {
  %empty_w = tensor.empty() : tensor<8x2x32xf16>
  %dq = linalg.generic {indexing_maps = [#map_w, #map_s, #map_s, #map_w],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %s, %z : tensor<8x2x32xi4>, tensor<8x2x1xf16>, tensor<8x2x1xf16>)
      outs(%empty_w : tensor<8x2x32xf16>) {
  ^bb0(%q: i4, %scale: f16, %zero: f16, %out: f16):
    %q32 = arith.extui %q : i4 to i32
    %qf = arith.uitofp %q32 : i32 to f16
    %centered = arith.subf %qf, %zero : f16
    %value = arith.mulf %centered, %scale : f16
    linalg.yield %value : f16
  } -> tensor<8x2x32xf16>
  %xg = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [1, 2, 2, 32]
      : tensor<1x2x64xf16> into tensor<1x2x2x32xf16>
  %zero_f16 = arith.constant 0.0 : f16
  %empty_y = tensor.empty() : tensor<1x2x8xf16>
  %init = linalg.fill ins(%zero_f16 : f16) outs(%empty_y : tensor<1x2x8xf16>) -> tensor<1x2x8xf16>
  %y = linalg.generic {indexing_maps = [#map_x, #map_dq, #map_y],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%xg, %dq : tensor<1x2x2x32xf16>, tensor<8x2x32xf16>)
      outs(%init : tensor<1x2x8xf16>) {
  ^bb0(%a: f16, %b: f16, %acc: f16):
    %p = arith.mulf %a, %b : f16
    %sum = arith.addf %acc, %p : f16
    linalg.yield %sum : f16
  } -> tensor<1x2x8xf16>
  return %y : tensor<1x2x8xf16>
}
"""


def test_raise_quantized_matmuls():
    assert "w4a16.matmul" not in TORCH_MLIR_CUSTOM_QUANT
    raised = compiler.raise_quantized_matmuls(
        StandInModule(TORCH_MLIR_CUSTOM_QUANT))
    assert "w4a16.matmul" in raised
    assert "arith.uitofp" not in raised


PLAIN_MATMUL = """\
func.func @f(%x: tensor<2x64xf16>, %w: tensor<64x16xf16>,
             %init: tensor<2x16xf16>) -> tensor<2x16xf16> {
  %0 = linalg.matmul ins(%x, %w : tensor<2x64xf16>, tensor<64x16xf16>)
         outs(%init : tensor<2x16xf16>) -> tensor<2x16xf16>
  return %0 : tensor<2x16xf16>
}
"""


def test_diagnostics_of_a_successful_run_are_python_warnings():
    # `explain` says, as a remark, why a plain f16 matmul is not raised.
    with pytest.warns(compiler.CompilerDiagnostic) as caught:
        out = compiler.run_pipeline(
            PLAIN_MATMUL, "w4a16-raise-dequant-matmul{explain=true}",
            "m.mlir")
    assert "linalg.matmul" in out
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert re.match(r"m\.mlir:\d+:\d+: remark: not raised: ", messages[0]), \
        messages[0]


def test_quiet_run_issues_no_warning(recwarn):
    compiler.run_pipeline(PLAIN_MATMUL, "w4a16-raise-dequant-matmul", "m.mlir")
    assert not [w for w in recwarn
                if issubclass(w.category, compiler.CompilerDiagnostic)]


GPTQ_LINEAR_TORCH = os.path.join(os.path.dirname(__file__), "..", "..",
                                 "examples", "gptq-linear-torch.mlir")


@pytest.mark.parametrize("chipset", ["gfx1100", "gfx1151"])
def test_compile_torch_gptq_linear_to_code_object(chipset):
    with open(GPTQ_LINEAR_TORCH) as f:
        result = compiler.compile(StandInModule(f.read()), chipset=chipset,
                                  kernels="mlir")
    assert result.backend == "gpu" and result.chipset == chipset
    # An AMDGPU code object for the requested chip, with the decode kernel.
    assert result.binary[:4] == b"\x7fELF"
    assert f'.amdgcn_target "amdgcn-amd-amdhsa--{chipset}"' in result.isa
    assert "matmul_0_decode:" in result.isa
    assert "v_dot2" in result.isa
    assert "gpu.binary @w4a16_kernels" in result.ir


def test_compile_manifest_and_report():
    with open(GPTQ_LINEAR_TORCH) as f:
        result = compiler.compile(f.read(), chipset="gfx1100", kernels="mlir")
    manifest = result.manifest
    assert isinstance(manifest, dict) and manifest["chip"] == "gfx1100"
    kernels = {k["symbol"]: k for k in manifest["kernels"]}
    assert set(kernels) == {"matmul_0_decode", "matmul_0_splitk_reduce"}
    decode = kernels["matmul_0_decode"]
    assert decode["launch_index"] == 0 and decode["scratch_bytes"] == 0
    assert [a["name"] for a in decode["args"]][:3] == ["x", "qweight",
                                                       "scales"]
    # Arguments are laid out back to back and fill the kernarg segment.
    last = decode["args"][-1]
    assert last["offset"] + last["size"] == decode["kernarg_bytes"]
    assert "kernel matmul_0_decode (decode, chip gfx1100)" in result.report
    # 16 dot2 on the weights and 4 for the activation sums per 32 weights.
    assert "dot2 20," in result.report


@pytest.mark.parametrize("chipset", ["gfx1100", "gfx1151"])
def test_compile_with_microkernels(chipset):
    with open(GPTQ_LINEAR_TORCH) as f:
        ir = f.read()
    result = compiler.compile(StandInModule(ir), chipset=chipset,
                              kernels="ukernel")
    assert "matmul_0_decode_ukernel:" in result.isa
    assert "s_swappc" not in result.isa
    names = [k["symbol"] for k in result.manifest["kernels"]]
    assert names == ["matmul_0_decode_ukernel", "matmul_0_splitk_reduce"]
    # gfx11 defaults to the microkernels (TargetInfo::preferredBackend).
    for default in (None, "auto"):
        assert compiler.compile(StandInModule(ir), chipset=chipset,
                                kernels=default).isa == result.isa
    assert compiler.compile(StandInModule(ir), chipset=chipset,
                            kernels="mlir").isa != result.isa


@pytest.mark.parametrize("chipset, emulate, symbol", [
    ("sm_90", None, "matmul_0_decode"),
    ("gfx1100", "sm_90", "matmul_0_decode_ukernel"),
    # The build has no gfx1103 microkernels: auto means MLIR there.
    ("gfx1103", None, "matmul_0_decode")])
def test_auto_kernels_per_chip(chipset, emulate, symbol):
    with open(GPTQ_LINEAR_TORCH) as f:
        result = compiler.compile(f.read(), chipset=chipset, emulate=emulate)
    assert result.manifest["kernels"][0]["symbol"] == symbol


# N = 202 is not a multiple of 4: not covered by the microkernels.
ODD_N = MATMUL.replace("8x16xi32", "8x202xi32").replace("2x16xf16",
                                                       "2x202xf16")


def test_auto_kernels_fall_back_without_warning(recwarn):
    result = compiler.compile(ODD_N, chipset="gfx1100")
    assert "_ukernel" not in result.isa
    assert not [w for w in recwarn
                if issubclass(w.category, compiler.CompilerDiagnostic)]


def test_explicit_ukernel_fallback_warns():
    with pytest.warns(compiler.CompilerDiagnostic,
                      match="microkernel backend not used"):
        compiler.compile(ODD_N, chipset="gfx1100", kernels="ukernel")


def test_unknown_kernels():
    with pytest.raises(ValueError, match="unknown kernels 'hip'"):
        compiler.compile(MATMUL, kernels="hip")
