//===- Registration.cpp - Named w4a16 pass pipelines ----------------------===//

#include "mlir/Pass/PassRegistry.h"
#include "w4a16/Pipelines/Pipelines.h"

using namespace mlir;

void mlir::w4a16::registerPipelines() {
  PassPipelineRegistration<>(
      "w4a16-cpu-pipeline",
      "Lower w4a16 ops through the reference linalg lowering to the LLVM "
      "dialect for the host CPU",
      buildCPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "w4a16-gpu-pipeline",
      "Lower w4a16 ops to gpu.launch_func and a gpu.binary for an AMD chip",
      buildGPUPipeline);
  PassPipelineRegistration<>(
      "w4a16-torch-cpu-pipeline",
      "Raise the quantized matmuls of torch-mlir linalg-on-tensors output to "
      "w4a16, then run the CPU pipeline",
      buildTorchCPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "w4a16-torch-gpu-pipeline",
      "Raise the quantized matmuls of torch-mlir linalg-on-tensors output to "
      "w4a16, then run the GPU pipeline",
      buildTorchGPUPipeline);
}
