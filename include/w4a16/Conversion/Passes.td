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
    The load-time weight steps lower too: `w4a16.repack`,
    `w4a16.act_order_perm` (a counting sort with a run-time check of the
    group sizes) and `w4a16.permute_k` (gathers).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
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

#endif // W4A16_CONVERSION_PASSES_TD
