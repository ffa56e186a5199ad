//===- KernelManifest.cpp - Manifest and static report of a compile -------===//

#include "w4a16/Driver/KernelManifest.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "w4a16/Conversion/AMDGPUToPortable/EmulateAMDGPU.h"
#include "w4a16/Conversion/W4A16ToGPU/W4A16ToGPU.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.h"
#include "w4a16/Driver/IsaStats.h"
#include "w4a16/Target/TargetInfo.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::w4a16;
namespace json = llvm::json;

namespace {

constexpr int64_t kPointerBytes = 8;
/// Weights one lane consumes per unit of the hot-loop mix.
constexpr int64_t kWeightsPerMixUnit = 32;
constexpr int64_t kWmmaIssueCycles = 32;

std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// Bytes of one scalar kernel argument or memref element; index is 64-bit
/// after the ROCDL lowering.
int64_t scalarBytes(Type type) {
  if (type.isIndex())
    return 8;
  return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
}

/// How the host computes `value` (a grid size): M names the launch's `m`
/// argument.
std::string formula(Value value, Value m, bool nested = false) {
  if (value == m)
    return "M";
  if (std::optional<int64_t> constant = getConstantIntValue(value))
    return std::to_string(*constant);
  Operation *def = value.getDefiningOp();
  auto binary = [&](StringRef symbol) {
    std::string text = formula(def->getOperand(0), m, true) + " " +
                       symbol.str() + " " +
                       formula(def->getOperand(1), m, true);
    return nested ? "(" + text + ")" : text;
  };
  if (isa_and_present<arith::CeilDivUIOp>(def))
    return "ceildiv(" + formula(def->getOperand(0), m) + ", " +
           formula(def->getOperand(1), m) + ")";
  if (isa_and_present<arith::MulIOp>(def))
    return binary("*");
  if (isa_and_present<arith::AddIOp>(def))
    return binary("+");
  if (isa_and_present<arith::DivUIOp>(def))
    return binary("/");
  return "?";
}

/// Kernel argument bytes: a memref is passed as its descriptor, field by
/// field (allocated and aligned pointers, offset, sizes, strides).
int64_t argumentBytes(const KernelArgument &arg) {
  if (arg.isMemref)
    return 2 * kPointerBytes + 8 * (1 + 2 * int64_t(arg.shape.size()));
  return arg.elementBytes;
}

const KernelStats *findStats(ArrayRef<KernelStats> stats, StringRef name) {
  for (const KernelStats &kernel : stats)
    if (kernel.name == name)
      return &kernel;
  return nullptr;
}

const KernelArgument *findArgument(const KernelLaunch &launch, StringRef name) {
  for (const KernelArgument &arg : launch.arguments)
    if (arg.name == name)
      return &arg;
  return nullptr;
}

int64_t memrefBytes(const KernelArgument *arg, int64_t dynamicSize) {
  if (!arg)
    return 0;
  int64_t bytes = arg->elementBytes;
  for (int64_t size : arg->shape)
    bytes *= size == ShapedType::kDynamic ? dynamicSize : size;
  return bytes;
}

json::Value mRangeJson(const KernelTiling &tiling) {
  json::Value max = tiling.mMax == TilingAttr::kUnboundedM
                        ? json::Value(nullptr)
                        : json::Value(tiling.mMax);
  return json::Array{tiling.mMin, std::move(max)};
}

KernelTiling detach(TilingAttr tiling) {
  return {stringifyTilingStrategy(tiling.getStrategy()).str(),
          tiling.getMMin(),
          tiling.getMMax(),
          tiling.getTileM(),
          tiling.getTileN(),
          tiling.getTileK(),
          tiling.getSplitK(),
          tiling.getWorkgroupSize(),
          tiling.getStrategy() == TilingStrategy::Decode
              ? stringifyDecodeKernel(tiling.getDecodeKernel()).str()
              : std::string()};
}

/// A count per 32 weights: integral in the common case, so no trailing
/// zeros.
std::string count(double value) {
  return llvm::formatv("{0}", llvm::format("%g", value)).str();
}

} // namespace

FailureOr<std::vector<KernelLaunch>>
mlir::w4a16::collectLaunches(ModuleOp module) {
  std::vector<KernelLaunch> launches;
  WalkResult walk = module.walk([&](gpu::LaunchFuncOp op) {
    auto tiling = op->getAttrOfType<TilingAttr>(kLaunchTilingAttrName);
    auto names = op->getAttrOfType<ArrayAttr>(kLaunchArgNamesAttrName);
    if (!tiling || !names || names.size() != op.getKernelOperands().size()) {
      op.emitError("launch of '")
          << op.getKernelName().getValue()
          << "' is not described by the w4a16 conversion (tiling and "
             "argument names)";
      return WalkResult::interrupt();
    }
    KernelLaunch launch;
    if (auto func = op->getParentOfType<func::FuncOp>())
      launch.function = func.getSymName().str();
    launch.symbol = op.getKernelName().getValue().str();
    launch.tiling = detach(tiling);
    if (auto weights =
            op->getAttrOfType<IntegerAttr>(kLaunchLoopWeightsAttrName))
      launch.loopWeightsPerLane = weights.getInt();
    if (auto rows = op->getAttrOfType<IntegerAttr>(kLaunchLoopRowsAttrName))
      launch.loopRows = rows.getInt();
    if (auto layout =
            op->getAttrOfType<StringAttr>(kLaunchWeightLayoutAttrName))
      launch.weightLayout = layout.str();
    launch.waitsForPrevious = op->hasAttr(kLaunchWaitsForPreviousAttrName);
    Value m;
    for (auto [operand, name] : llvm::zip(
             op.getKernelOperands(), names.getAsValueRange<StringAttr>())) {
      KernelArgument arg;
      arg.name = name.str();
      arg.type = printType(operand.getType());
      if (auto memref = dyn_cast<MemRefType>(operand.getType())) {
        arg.isMemref = true;
        arg.element = printType(memref.getElementType());
        arg.shape.assign(memref.getShape().begin(), memref.getShape().end());
        arg.elementBytes = scalarBytes(memref.getElementType());
      } else {
        arg.elementBytes = scalarBytes(operand.getType());
      }
      if (arg.name == "m")
        m = operand;
      launch.arguments.push_back(std::move(arg));
    }
    gpu::KernelDim3 grid = op.getGridSizeOperandValues();
    gpu::KernelDim3 block = op.getBlockSizeOperandValues();
    Value gridValues[] = {grid.x, grid.y, grid.z};
    Value blockValues[] = {block.x, block.y, block.z};
    for (int i = 0; i < 3; ++i) {
      std::optional<int64_t> blocks = getConstantIntValue(gridValues[i]);
      launch.grid[i] = blocks ? json::Value(*blocks)
                              : json::Value(formula(gridValues[i], m));
      launch.workgroup[i] = getConstantIntValue(blockValues[i]).value_or(-1);
    }
    launches.push_back(std::move(launch));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return launches;
}

FailureOr<std::string>
mlir::w4a16::buildManifest(ArrayRef<KernelLaunch> launches,
                           ArrayRef<KernelStats> stats,
                           const TargetInfo &kernelsTarget,
                           const TargetInfo &device, std::string &error) {
  bool isAmd = device.vendor == GpuVendor::AMD;
  json::Array kernels;
  for (auto [index, launch] : llvm::enumerate(launches)) {
    const KernelStats *kernel = findStats(stats, launch.symbol);
    if (!kernel) {
      error = "kernel '" + launch.symbol + "' is missing from the code object";
      return failure();
    }
    json::Array args;
    int64_t offset = 0;
    for (const KernelArgument &arg : launch.arguments) {
      int64_t size = argumentBytes(arg);
      offset = llvm::alignTo(offset, std::min(size, kPointerBytes));
      json::Object entry{{"name", arg.name},
                         {"type", arg.type},
                         {"kind", arg.isMemref ? "memref" : "scalar"},
                         {"offset", offset},
                         {"size", size}};
      if (arg.isMemref) {
        json::Array shape;
        for (int64_t dim : arg.shape)
          shape.push_back(dim == ShapedType::kDynamic ? json::Value(nullptr)
                                                      : json::Value(dim));
        entry["element"] = arg.element;
        entry["shape"] = std::move(shape);
      }
      args.push_back(std::move(entry));
      offset += size;
    }
    if (offset != kernel->kernargBytes) {
      error = llvm::formatv("kernel '{0}': arguments take {1} bytes, the code "
                            "object says {2}",
                            launch.symbol, offset, kernel->kernargBytes);
      return failure();
    }
    const KernelTiling &tiling = launch.tiling;
    json::Object tilingJson{{"tile_m", tiling.tileM},
                            {"tile_n", tiling.tileN},
                            {"tile_k", tiling.tileK},
                            {"split_k", tiling.splitK}};
    if (!tiling.decodeKernel.empty())
      tilingJson["decode_kernel"] = tiling.decodeKernel;
    json::Object described{
        {"symbol", launch.symbol},
        {"function", launch.function},
        {"launch_index", int64_t(index)},
        {"strategy", tiling.strategy},
        {"m_range", mRangeJson(tiling)},
        {"grid", json::Array{launch.grid[0], launch.grid[1], launch.grid[2]}},
        {"workgroup_size", json::Array{launch.workgroup[0], launch.workgroup[1],
                                       launch.workgroup[2]}},
        {"lds_bytes", kernel->ldsBytes},
        {"scratch_bytes", kernel->scratchBytes},
        {"kernarg_bytes", kernel->kernargBytes},
        {"tiling", std::move(tilingJson)},
        {"args", std::move(args)}};
    if (isAmd)
      described["descriptor"] = launch.symbol + ".kd";
    if (!launch.weightLayout.empty())
      described["weight_layout"] = launch.weightLayout;
    if (launch.waitsForPrevious)
      described["waits_for_previous"] = true;
    kernels.push_back(std::move(described));
  }
  json::Object manifest{{"chip", device.chip},
                        {"kernel_chip", kernelsTarget.chip},
                        {"wave_size", device.waveSize},
                        {"code_object", isAmd ? "amdhsa" : "ptx"},
                        {"kernels", std::move(kernels)}};
  // NVIDIA code runs the gfx11 kernels through --w4a16-emulate-amdgpu.
  if (!isAmd)
    manifest["error_flag"] = kEmulationErrorFlagName;
  return llvm::formatv("{0:2}", json::Value(std::move(manifest))).str();
}

std::string mlir::w4a16::buildReport(ArrayRef<KernelLaunch> launches,
                                     ArrayRef<KernelStats> stats,
                                     const TargetInfo &target) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (const KernelLaunch &launch : launches) {
    const KernelStats *kernel = findStats(stats, launch.symbol);
    if (!kernel)
      continue;
    const KernelTiling &tiling = launch.tiling;
    os << "kernel " << launch.symbol << " (" << tiling.strategy << ", chip "
       << target.chip << ")\n";
    os << llvm::formatv("  VGPRs {0}, SGPRs {1}, LDS {2} B, scratch {3} B, "
                        "waves/SIMD {4}\n",
                        kernel->vgprs, kernel->sgprs, kernel->ldsBytes,
                        kernel->scratchBytes,
                        target.wavesPerSimd(kernel->vgprs));
    // The main kernels say what one iteration of their hot loop covers.
    if (!kernel->hasHotLoop || !launch.loopWeightsPerLane || !launch.loopRows)
      continue;
    double weightsPerLane = launch.loopWeightsPerLane;
    double scale = kWeightsPerMixUnit / weightsPerLane;
    const InstructionMix &mix = kernel->hotLoop;
    os << "  inner K loop per 32 weights per lane: global loads";
    for (const auto &[width, loads] : mix.globalLoads)
      os << " " << width << " x" << count(loads * scale);
    os << llvm::formatv(", WMMA {0}, dot2 {1}, other VALU {2}, VALU issues "
                        "{3}, LDS ops {4}, s_waitcnt {5}, SALU {6}\n",
                        count(mix.wmma * scale), count(mix.dot2 * scale),
                        count(mix.otherValu * scale),
                        count(mix.valuIssues * scale),
                        count(mix.ldsOps * scale), count(mix.waitcnts * scale),
                        count(mix.salu * scale));

    const KernelArgument *x = findArgument(launch, "x");
    const KernelArgument *qweight = findArgument(launch, "qweight");
    const KernelArgument *scales = findArgument(launch, "scales");
    if (!x || !qweight || !scales || x->shape.size() != 2)
      continue;
    int64_t m = x->shape[0] == ShapedType::kDynamic ? tiling.mMin : x->shape[0];
    int64_t k = x->shape[1];
    int64_t n = scales->shape.back();
    // Weights, scales, zeros, activations and outputs (in the activation
    // type), each read or written once.
    double bytes = memrefBytes(qweight, m) + memrefBytes(scales, m) +
                   memrefBytes(findArgument(launch, "zeros"), m) +
                   memrefBytes(x, m) + double(m) * n * x->elementBytes;
    double waveIterations = double(k) * n / (weightsPerLane * target.waveSize) *
                            llvm::divideCeil(m, launch.loopRows);
    // Issue cycles of the whole loop body (one tile_k step of every wave).
    int64_t loopCycles = mix.valuIssues + kWmmaIssueCycles * mix.wmma;
    double cycles = loopCycles * waveIterations;
    double memoryUs = bytes / (target.dramGBPerSecond * 1e3);
    double issueUs = cycles / (target.numSimds() * target.clockGHz * 1e3);
    os << llvm::formatv(
        "  model at M = {0}, K = {1}, N = {2}: {3:f2} MB / {4:f0} GB/s = "
        "{5:f2} "
        "us; {6} wave-iterations x {7} cycles / ({8} SIMDs x {9:f1} GHz) = "
        "{10:f2} us; modelled {11:f2} us ({12}-bound)\n",
        m, k, n, bytes / 1e6, target.dramGBPerSecond, memoryUs,
        int64_t(waveIterations), loopCycles, target.numSimds(), target.clockGHz,
        issueUs, std::max(memoryUs, issueUs),
        memoryUs >= issueUs ? "memory" : "issue");
    if (mix.wmma > 0) {
      // Every SIMD issuing matrix instructions back to back.
      double flopsPerSimdCycle =
          2.0 * target.mmaM * target.mmaN * target.mmaK / kWmmaIssueCycles;
      double peakUs =
          2.0 * m * n * k /
          (flopsPerSimdCycle * target.numSimds() * target.clockGHz * 1e3);
      os << llvm::formatv("  WMMA peak {0:f2} us: modelled {1:f1}% of peak\n",
                          peakUs, 100 * peakUs / std::max(memoryUs, issueUs));
    }
  }
  return text;
}
