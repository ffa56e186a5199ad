//===- GPUPipeline.cpp - w4a16 to gfx11 code objects
//-----------------------===//

#include "mlir/Conversion/AMDGPUToROCDL/AMDGPUToROCDL.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "w4a16/Conversion/Passes.h"
#include "w4a16/Dialect/W4A16/Transforms/Passes.h"
#include "w4a16/Pipelines/Pipelines.h"

using namespace mlir;

void mlir::w4a16::buildGPUPipeline(OpPassManager &pm,
                                   const GPUPipelineOptions &options) {
  W4A16TileMatmulPassOptions tiling;
  tiling.chipset = options.chipset;
  tiling.mRange.assign(options.mRange.begin(), options.mRange.end());
  pm.addPass(createW4A16TileMatmulPass(tiling));
  // The WMMA kernels read the fragment layout; constant weights fold.
  pm.addPass(createW4A16RepackWeightsPass());
  pm.addPass(createConvertW4A16ToGPUPass());

  addOneShotBufferization(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  GpuROCDLAttachTargetOptions target;
  target.triple = "amdgcn-amd-amdhsa";
  target.chip = options.chipset;
  target.optLevel = 3;
  pm.addPass(createGpuROCDLAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  ConvertAMDGPUToROCDLPassOptions amdgpu;
  amdgpu.chipset = options.chipset;
  kernels.addPass(createConvertAMDGPUToROCDLPass(amdgpu));
  ConvertGpuOpsToROCDLOpsOptions rocdl;
  rocdl.chipset = options.chipset;
  rocdl.runtime = gpu::amd::Runtime::HIP;
  kernels.addPass(createConvertGpuOpsToROCDLOps(rocdl));
  pm.addPass(createReconcileUnrealizedCastsPass());

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  binary.toolkitPath = options.toolkit.empty()
                           ? std::string(W4A16_DEFAULT_TOOLKIT_DIR)
                           : options.toolkit.getValue();
  pm.addPass(createGpuModuleToBinaryPass(binary));
}
