//===- W4A16ToGPU.h - w4a16.matmul to GPU kernels ---------------*- C++ -*-===//

#ifndef W4A16_CONVERSION_W4A16TOGPU_W4A16TOGPU_H
#define W4A16_CONVERSION_W4A16TOGPU_W4A16TOGPU_H

#include "mlir/Pass/Pass.h"
#include "w4a16/Target/TargetInfo.h"

namespace mlir::w4a16 {

#define GEN_PASS_DECL_CONVERTW4A16TOGPUPASS
#include "w4a16/Conversion/Passes.h.inc"

/// Discardable attributes of every gpu.launch_func the conversion creates,
/// read by the compile driver to describe the kernels: the
/// #w4a16.tiling the kernel implements and the names of its arguments.
inline constexpr llvm::StringLiteral kLaunchTilingAttrName = "w4a16.tiling";
inline constexpr llvm::StringLiteral kLaunchArgNamesAttrName =
    "w4a16.arg_names";
/// On main kernel launches: weights per lane of one iteration of the kernel's
/// innermost K loop, which the static report normalizes by.
inline constexpr llvm::StringLiteral kLaunchLoopWeightsAttrName =
    "w4a16.loop_weights_per_lane";
/// On main kernel launches: output rows those weights are multiplied with
/// per iteration (the static model counts ceil(M / rows) passes over them).
inline constexpr llvm::StringLiteral kLaunchLoopRowsAttrName =
    "w4a16.loop_rows";
/// On main-kernel launches: the packed layout the kernel reads `qweight` in
/// ("gptq" or "fragment"; the host repacks at load time, docs/ABI.md).
inline constexpr llvm::StringLiteral kLaunchWeightLayoutAttrName =
    "w4a16.weight_layout";
/// On launches of kernels that start by waiting for the previous kernel of
/// the stream (TargetInfo::hasDependentLaunch): the host may launch them as
/// dependent launches (docs/ABI.md).
inline constexpr llvm::StringLiteral kLaunchWaitsForPreviousAttrName =
    "w4a16.waits_for_previous";

} // namespace mlir::w4a16

#endif // W4A16_CONVERSION_W4A16TOGPU_W4A16TOGPU_H
