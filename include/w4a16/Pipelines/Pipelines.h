//===- Pipelines.h - w4a16 pass pipelines -----------------------*- C++ -*-===//
//
// Pipelines are plain functions over a pass manager so that w4a16-opt, the
// compile driver and the Python module build exactly the same thing.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_PIPELINES_PIPELINES_H
#define W4A16_PIPELINES_PIPELINES_H

namespace mlir {
class OpPassManager;
namespace w4a16 {

/// Lowers a module holding w4a16 ops on tensors, through the reference
/// linalg lowering and one-shot bufferization, to the LLVM dialect for
/// execution on the host CPU (e.g. by mlir-runner).
void buildCPUPipeline(OpPassManager &pm);

/// Takes linalg-on-tensors as torch-mlir's backend pipeline emits it, raises
/// its 4-bit group-quantized matmuls to w4a16.matmul, then continues with
/// buildCPUPipeline.
void buildTorchCPUPipeline(OpPassManager &pm);

/// Registers the pipelines above as named pass pipelines.
void registerPipelines();

} // namespace w4a16
} // namespace mlir

#endif // W4A16_PIPELINES_PIPELINES_H
