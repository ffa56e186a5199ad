//===- GPUPipeline.cpp - w4a16 to gfx11 code objects or NVIDIA PTX --------===//

#include "mlir/Conversion/AMDGPUToROCDL/AMDGPUToROCDL.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
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
#include "w4a16/Target/TargetInfo.h"

using namespace mlir;
using namespace mlir::w4a16;

FailureOr<GPUTargets>
mlir::w4a16::resolveGPUTargets(const GPUPipelineOptions &options,
                               function_ref<void(const Twine &)> emitError) {
  llvm::Expected<const TargetInfo &> kernels = lookupTarget(options.chipset);
  if (!kernels) {
    emitError(llvm::toString(kernels.takeError()));
    return failure();
  }
  if (options.emulate.empty())
    return GPUTargets{&*kernels, &*kernels};
  llvm::Expected<const TargetInfo &> device = lookupTarget(options.emulate);
  if (!device) {
    emitError("emulate: " + llvm::toString(device.takeError()));
    return failure();
  }
  if (device->vendor != GpuVendor::NVIDIA ||
      kernels->vendor != GpuVendor::AMD ||
      kernels->mmaFamily != MmaFamily::Gfx11Wmma) {
    emitError("emulate='" + options.emulate +
              "' runs kernels built for a gfx11 chipset on an NVIDIA chip; "
              "chipset='" +
              options.chipset + "' and emulate='" + options.emulate +
              "' are not such a pair");
    return failure();
  }
  return GPUTargets{&*kernels, &*device};
}

FailureOr<KernelBackend>
mlir::w4a16::resolveKernelBackend(const GPUPipelineOptions &options,
                                  const GPUTargets &targets,
                                  function_ref<void(const Twine &)> emitError) {
  // Under auto the kernels' chip decides (with emulate, the gfx11 chip: its
  // microkernels are built for the emulating NVIDIA chip too).
  bool automatic = options.backend == KernelBackend::Auto;
  KernelBackend backend =
      automatic ? targets.kernels->preferredBackend : options.backend;
  StringRef device = targets.device->chip;
  if (backend != KernelBackend::Ukernel || hasUkernelBitcode(device))
    return backend;
  if (automatic)
    return KernelBackend::Mlir;
  emitError("backend=ukernel links the microkernel bitcode of the chip the "
            "kernels run on; the build has none for '" +
            device + "' (it has " + getUkernelTargets() +
            "; use backend=mlir)");
  return failure();
}

/// The kernels of an AMD chip: ROCDL, then a code object.
static void addROCDLLowering(OpPassManager &pm, const TargetInfo &device,
                             ArrayRef<std::string> ukernelBitcode) {
  GpuROCDLAttachTargetOptions target;
  target.triple = "amdgcn-amd-amdhsa";
  target.chip = device.chip.str();
  target.optLevel = 3;
  llvm::append_range(target.linkLibs, ukernelBitcode);
  pm.addPass(createGpuROCDLAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  // WMMA lane layouts (Target/WmmaLayout.h) are affine.apply.
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  ConvertAMDGPUToROCDLPassOptions amdgpu;
  amdgpu.chipset = device.chip.str();
  kernels.addPass(createConvertAMDGPUToROCDLPass(amdgpu));
  ConvertGpuOpsToROCDLOpsOptions rocdl;
  rocdl.chipset = device.chip.str();
  rocdl.runtime = gpu::amd::Runtime::HIP;
  kernels.addPass(createConvertGpuOpsToROCDLOps(rocdl));
}

/// The kernels on an NVIDIA chip: the AMD-specific ops emulated, mma.sync
/// lowered, then NVVM (linking the microkernels' NVIDIA build, if any).
static void addNVVMLowering(OpPassManager &pm, const TargetInfo &device,
                            ArrayRef<std::string> ukernelBitcode) {
  OpPassManager &emulated = pm.nest<gpu::GPUModuleOp>();
  emulated.addPass(createW4A16EmulateAMDGPUPass());
  emulated.addPass(createLowerAffinePass());
  emulated.addPass(createCanonicalizerPass());
  emulated.addPass(createCSEPass());

  GpuNVVMAttachTargetOptions target;
  target.chip = device.chip.str();
  target.optLevel = 3;
  llvm::append_range(target.linkLibs, ukernelBitcode);
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  // bf16 mma.sync first: the upstream conversion takes f16 only.
  kernels.addPass(createW4A16Bf16MmaSyncToNVVMPass());
  kernels.addPass(createConvertNVGPUToNVVMPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
}

void mlir::w4a16::addTiling(OpPassManager &pm, StringRef chipset,
                            ArrayRef<int64_t> mRange,
                            DecodeKernelRequest decodeKernel) {
  // The kernels read GPTQ words: AWQ weights and zeros are repacked (a
  // load-time step, folded on constants), before act-order so that AWQ
  // with g_idx is permuted like GPTQ.
  pm.addPass(createW4A16RepackAwqPass());
  // Act-order weights are permuted into contiguous groups (a load-time
  // step, folded on constants) and activations gathered per call.
  pm.addPass(createW4A16PermuteActOrderPass());
  W4A16TileMatmulPassOptions tiling;
  tiling.chipset = chipset.str();
  tiling.mRange.assign(mRange.begin(), mRange.end());
  tiling.decodeKernel = decodeKernel;
  pm.addPass(createW4A16TileMatmulPass(tiling));
}

FailureOr<GPUTargets>
mlir::w4a16::buildGPULowering(OpPassManager &pm,
                              const GPUPipelineOptions &options,
                              function_ref<void(const Twine &)> emitError) {
  FailureOr<GPUTargets> targets = resolveGPUTargets(options, emitError);
  if (failed(targets))
    return failure();
  const TargetInfo &device = *targets->device;
  FailureOr<KernelBackend> backend =
      resolveKernelBackend(options, *targets, emitError);
  if (failed(backend))
    return failure();

  // The microkernels' decode is the dot gemv.
  addTiling(pm, options.chipset, options.mRange,
            *backend == KernelBackend::Ukernel ? DecodeKernelRequest::Dot
                                               : DecodeKernelRequest::Auto);
  // The WMMA kernels read the fragment layout; constant weights fold.
  pm.addPass(createW4A16RepackWeightsPass());
  ConvertW4A16ToGPUPassOptions conversion;
  conversion.backend = *backend;
  // Only a user who asked for the microkernels wants to hear which ops they
  // do not cover.
  conversion.quietFallback = options.backend == KernelBackend::Auto;
  pm.addPass(createConvertW4A16ToGPUPass(conversion));
  // What is left of w4a16 on the host are load-time weight steps on
  // run-time weights (permutation): their reference lowering.
  pm.addPass(createConvertW4A16ToLinalgPass());

  addOneShotBufferization(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  std::vector<std::string> ukernelBitcode;
  if (*backend == KernelBackend::Ukernel)
    ukernelBitcode = getUkernelBitcodeFiles(options.ukernelDir, device.chip);
  switch (device.vendor) {
  case GpuVendor::AMD:
    addROCDLLowering(pm, device, ukernelBitcode);
    break;
  case GpuVendor::NVIDIA:
    addNVVMLowering(pm, device, ukernelBitcode);
    break;
  }
  pm.addPass(createReconcileUnrealizedCastsPass());
  return targets;
}

void mlir::w4a16::addGPUSerialization(OpPassManager &pm,
                                      const TargetInfo &device,
                                      StringRef format, StringRef toolkit) {
  W4A16GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = format.str();
  switch (device.vendor) {
  case GpuVendor::AMD:
    binary.toolkitPath =
        toolkit.empty() ? W4A16_DEFAULT_TOOLKIT_DIR : toolkit.str();
    break;
  case GpuVendor::NVIDIA:
    // PTX needs no toolkit; a cubin (format=bin) needs ptxas from one.
    binary.toolkitPath = toolkit.str();
    break;
  }
  pm.addPass(createW4A16GpuModuleToBinaryPass(binary));
}

LogicalResult
mlir::w4a16::buildGPUPipeline(OpPassManager &pm,
                              const GPUPipelineOptions &options,
                              function_ref<void(const Twine &)> emitError) {
  FailureOr<GPUTargets> targets = buildGPULowering(pm, options, emitError);
  if (failed(targets))
    return failure();
  addGPUSerialization(pm, *targets->device, options.format, options.toolkit);
  return success();
}
