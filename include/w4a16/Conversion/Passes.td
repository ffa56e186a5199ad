//===- Passes.td - w4a16 conversion passes -----------------*- tablegen -*-===//

#ifndef W4A16_CONVERSION_PASSES_TD
#define W4A16_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertW4A16ToLinalgPass : Pass<"convert-w4a16-to-linalg"> {
  let summary = "Lower w4a16 ops to linalg and arith on tensors (the reference semantics)";
  let description = [{
    Rewrites `w4a16.dequant` into a `linalg.generic` that unpacks every
    weight, subtracts its zero point and multiplies by its scale in f32, and
    `w4a16.matmul` into that dequantization (kept in f32) followed by a
    `linalg.matmul` accumulating in f32 into the extended init, rounded once
    to the result type. Leading batch dimensions are collapsed into M. This
    is the semantic definition every faster lowering is tested against.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertW4A16ToGPUPass : Pass<"convert-w4a16-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower tiled w4a16.matmul ops to gpu.module kernels and gpu.launch_func";
  let description = [{
    Each `w4a16.matmul` carrying a `w4a16.tilings` attribute (see
    `--w4a16-tile-matmul`) becomes kernels in the `gpu.module`
    `@w4a16_kernels` and `gpu.launch_func`s on memrefs obtained with
    `bufferization.to_buffer`, so one-shot bufferization finishes the host
    side. Kernels state their workgroup size (`known_block_size`).
    Decode: `<name>_decode` (dot2 GEMV, exact dequant, f32 accumulation,
    in-workgroup reduction through LDS, f32 split-K partials in a workspace)
    then `<name>_splitk_reduce` (init + partials, rounded once).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def W4A16EmulateAMDGPUPass
    : Pass<"w4a16-emulate-amdgpu", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Rewrite the AMD-specific ops of gfx11 kernels into exact portable equivalents";
  let description = [{
    Runs on a `gpu.module` whose kernels were lowered for gfx11 and makes
    them run on any wave32/warp32 GPU (an NVIDIA GPU through NVVM), so the
    gfx11 lowering is proven by execution:
    - `llvm.call_intrinsic "llvm.amdgcn.fdot2"` / `"llvm.amdgcn.fdot2.f32.bf16"`
      (clamp off) becomes `fma(a1, b1, fma(a0, b0, c))` in f32 (the products
      of f16/bf16 values are exact in f32).
    - `amdgpu.wmma 16x16x16` with f16 or bf16 A/B and an f32 accumulator
      becomes its documented gfx11 lane semantics (`Target/WmmaLayout.h`):
      every lane gathers, with `gpu.shuffle idx`, the A row and B column of
      each of its 8 accumulator values from the lanes 0-15 that hold them
      and accumulates the 16 products with f32 FMAs in K order. The
      emulation also checks that lanes 16-31 hold bit-identical A and B
      data to lanes 0-15 (a gfx11 requirement) and, if not, stores 1 into
      the i32 global `@w4a16_emulation_error` it adds to the module.
    Any other `amdgpu`/`rocdl` op or `llvm.amdgcn.*` intrinsic, or a form
    of these ops the emulation does not cover, is an error at the op.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // W4A16_CONVERSION_PASSES_TD
