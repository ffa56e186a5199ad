//===- Pipelines.h - w4a16 pass pipelines -----------------------*- C++ -*-===//
//
// Pipelines are plain functions over a pass manager so that w4a16-opt, the
// compile driver and the Python module build exactly the same thing.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_PIPELINES_PIPELINES_H
#define W4A16_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace w4a16 {

struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<std::string> chipset{
      *this, "chipset", llvm::cl::desc("Target chip, e.g. gfx1100"),
      llvm::cl::init("gfx1100")};
  PassOptions::ListOption<int64_t> mRange{
      *this, "m-range",
      llvm::cl::desc("Run-time range of a dynamic M: min,max")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary output: bin (code object), isa, "
                     "llvm, offloading"),
      llvm::cl::init("bin")};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("Directory whose llvm/bin/ld.lld is lld 22 (default: "
                     "the one the build creates)"),
      llvm::cl::init("")};
};

/// Lowers w4a16 ops on tensors to a module whose kernels are a gpu.binary
/// for `chipset` (tile, kernels, bufferize, ROCDL, code object).
void buildGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// Lowers a module holding w4a16 ops on tensors, through the reference
/// linalg lowering and one-shot bufferization, to the LLVM dialect for
/// execution on the host CPU (e.g. by mlir-runner).
void buildCPUPipeline(OpPassManager &pm);

/// One-shot bufferization of the whole module, functions included, with
/// identity-layout memrefs at function boundaries (shared by the pipelines).
void addOneShotBufferization(OpPassManager &pm);
/// Takes linalg-on-tensors as torch-mlir's backend pipeline emits it, raises
/// its 4-bit group-quantized matmuls to w4a16.matmul, then continues with
/// buildCPUPipeline.
void buildTorchCPUPipeline(OpPassManager &pm);

/// The same front end followed by buildGPUPipeline.
void buildTorchGPUPipeline(OpPassManager &pm,
                           const GPUPipelineOptions &options);

/// Registers the pipelines above as named pass pipelines.
void registerPipelines();

} // namespace w4a16
} // namespace mlir

#endif // W4A16_PIPELINES_PIPELINES_H
