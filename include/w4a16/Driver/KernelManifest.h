//===- KernelManifest.h - Manifest and static report of a compile -*- C++
//-*-===//
//
// Describes the kernels of a GPU compile for a host program (the JSON
// manifest, docs/ABI.md) and for a reader (the static report), from the
// launches left in the host IR and the kernels' assembly.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_DRIVER_KERNELMANIFEST_H
#define W4A16_DRIVER_KERNELMANIFEST_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace mlir::w4a16 {
struct KernelStats;
struct TargetInfo;

struct KernelArgument {
  std::string name;
  /// The MLIR type the launch passes (memref or scalar).
  std::string type;
  /// Memref element type and shape (-1 = dynamic); empty for scalars.
  std::string element;
  std::vector<int64_t> shape;
  bool isMemref = false;
  /// Bytes one element of the memref (or the scalar) occupies.
  int64_t elementBytes = 0;
};

/// The #w4a16.tiling a kernel implements, detached from its context.
struct KernelTiling {
  std::string strategy;
  /// Rows served; mMax = -1 is unbounded.
  int64_t mMin = 0, mMax = 0;
  int64_t tileM = 0, tileN = 0, tileK = 0, splitK = 0, workgroupSize = 0;
  /// Decode tilings only: `dot` or `matrix`.
  std::string decodeKernel;
};

/// One gpu.launch_func of the host code, in launch order.
struct KernelLaunch {
  std::string function;
  std::string symbol;
  std::vector<KernelArgument> arguments;
  /// Blocks per dimension: an integer or a formula in M.
  llvm::json::Value grid[3] = {1, 1, 1};
  int64_t workgroup[3] = {1, 1, 1};
  KernelTiling tiling;
  /// Weights per lane of one iteration of the innermost K loop, and the
  /// output rows they meet (main kernels only; 0 elsewhere).
  int64_t loopWeightsPerLane = 0;
  int64_t loopRows = 0;
  /// Packed layout of `qweight` (main kernels only): "gptq" or "fragment".
  std::string weightLayout;
  /// The kernel starts by waiting for the previous kernel of its stream, so
  /// the host may launch it as a dependent launch.
  bool waitsForPrevious = false;
};

/// The launches of `module` (after the GPU pipeline), or failure with a
/// diagnostic at the launch the conversion did not describe.
FailureOr<std::vector<KernelLaunch>> collectLaunches(ModuleOp module);

/// The manifest JSON of `launches`, built for the chip `kernels` and
/// compiled for `device` (the same chip, or an NVIDIA chip emulating a gfx11
/// one), whose assembly gave `stats`. Fails (and says why in `error`) when
/// the kernel argument layout derived from the launch types disagrees with
/// the code object.
FailureOr<std::string> buildManifest(llvm::ArrayRef<KernelLaunch> launches,
                                     llvm::ArrayRef<KernelStats> stats,
                                     const TargetInfo &kernels,
                                     const TargetInfo &device,
                                     std::string &error);

/// The human-readable static report (resources, hot-loop mix per 32 weights
/// per lane, modelled time on `target`).
std::string buildReport(llvm::ArrayRef<KernelLaunch> launches,
                        llvm::ArrayRef<KernelStats> stats,
                        const TargetInfo &target);

} // namespace mlir::w4a16

#endif // W4A16_DRIVER_KERNELMANIFEST_H
