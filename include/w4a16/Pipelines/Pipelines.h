//===- Pipelines.h - w4a16 pass pipelines -----------------------*- C++ -*-===//
//
// Pipelines are plain functions over a pass manager so that w4a16-opt, the
// compile driver and the Python module build exactly the same thing.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_PIPELINES_PIPELINES_H
#define W4A16_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"
#include "mlir/Support/LLVM.h"

namespace mlir {
class OpPassManager;
namespace w4a16 {
struct TargetInfo;

struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<std::string> chipset{
      *this, "chipset",
      llvm::cl::desc("Chip the kernels are built for: gfx11 (gfx1100, ...) "
                     "or NVIDIA (sm_80, sm_90: the gfx11 kernels with their "
                     "AMD-specific ops emulated)"),
      llvm::cl::init("gfx1100")};
  PassOptions::Option<std::string> emulate{
      *this, "emulate",
      llvm::cl::desc("Run the kernels built exactly as for the gfx11 "
                     "`chipset` on this NVIDIA chip (e.g. sm_90) through "
                     "--w4a16-emulate-amdgpu and NVVM"),
      llvm::cl::init("")};
  PassOptions::ListOption<int64_t> mRange{
      *this, "m-range",
      llvm::cl::desc("Run-time range of a dynamic M: min,max")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary output: bin (code object; "
                     "NVIDIA: cubin, needs ptxas), isa (NVIDIA: PTX), llvm, "
                     "offloading"),
      llvm::cl::init("bin")};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("AMD: directory whose llvm/bin/ld.lld is lld 22 "
                     "(default: the one the build creates); NVIDIA: the CUDA "
                     "toolkit for format=bin"),
      llvm::cl::init("")};
};

/// The chip the kernels are tiled and lowered for, and the chip they run on
/// (different only with `emulate`).
struct GPUTargets {
  const TargetInfo *kernels;
  const TargetInfo *device;
};

/// The targets `options` name, or failure after `emitError` said why
/// (unknown chip, `emulate` not pairing a gfx11 chipset with an NVIDIA chip).
FailureOr<GPUTargets>
resolveGPUTargets(const GPUPipelineOptions &options,
                  function_ref<void(const Twine &)> emitError);

/// Lowers w4a16 ops on tensors to a module whose kernels are a gpu.binary
/// (tile, kernels, bufferize; AMD: ROCDL and a code object; NVIDIA:
/// --w4a16-emulate-amdgpu, NVVM and PTX or a cubin). Fails, after
/// `emitError`, for options resolveGPUTargets rejects.
LogicalResult buildGPUPipeline(OpPassManager &pm,
                               const GPUPipelineOptions &options,
                               function_ref<void(const Twine &)> emitError);

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
LogicalResult
buildTorchGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options,
                      function_ref<void(const Twine &)> emitError);

/// Registers the pipelines above as named pass pipelines.
void registerPipelines();

} // namespace w4a16
} // namespace mlir

#endif // W4A16_PIPELINES_PIPELINES_H
