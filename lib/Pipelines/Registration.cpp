//===- Registration.cpp - Named w4a16 pass pipelines ----------------------===//

#include "mlir/Pass/PassRegistry.h"
#include "w4a16/Pipelines/Pipelines.h"

using namespace mlir;
using namespace mlir::w4a16;

/// Registers a GPU pipeline whose option errors (a bad chip pairing, say)
/// are reported as pipeline errors.
static void registerGPUPipeline(
    StringRef name, StringRef description,
    LogicalResult (*build)(OpPassManager &, const GPUPipelineOptions &,
                           function_ref<void(const Twine &)>)) {
  registerPassPipeline(
      name, description,
      [build](OpPassManager &pm, StringRef text,
              function_ref<LogicalResult(const Twine &)> errorHandler) {
        GPUPipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        return build(pm, options, [&](const Twine &message) {
          (void)errorHandler(message);
        });
      },
      [](function_ref<void(const detail::PassOptions &)> describe) {
        describe(GPUPipelineOptions());
      });
}

void mlir::w4a16::registerPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "w4a16-cpu-pipeline",
      "Lower w4a16 ops through the reference linalg lowering (or the GPU "
      "tiling's tile loops) to the LLVM dialect for the host CPU",
      [](OpPassManager &pm, const CPUPipelineOptions &options) {
        buildCPUPipeline(pm, options);
      });
  registerGPUPipeline("w4a16-gpu-pipeline",
                      "Lower w4a16 ops to gpu.launch_func and a gpu.binary "
                      "for a gfx11 chip or (through the gfx11 emulation) an "
                      "NVIDIA chip",
                      buildGPUPipeline);
  PassPipelineRegistration<>(
      "w4a16-torch-cpu-pipeline",
      "Raise the quantized matmuls of torch-mlir linalg-on-tensors output to "
      "w4a16, then run the CPU pipeline",
      buildTorchCPUPipeline);
  registerGPUPipeline(
      "w4a16-torch-gpu-pipeline",
      "Raise the quantized matmuls of torch-mlir linalg-on-tensors output to "
      "w4a16, then run the GPU pipeline",
      buildTorchGPUPipeline);
}
