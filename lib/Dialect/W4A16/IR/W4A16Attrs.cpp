//===- W4A16Attrs.cpp - w4a16 attributes ----------------------------------===//

#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.h"
#include "mlir/IR/Builders.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Dialect.h"
#include "w4a16/Target/TargetInfo.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::w4a16;

static_assert(static_cast<uint32_t>(WeightLayout::Gptq) ==
                      static_cast<uint32_t>(::w4a16::PackedLayout::Gptq) &&
                  static_cast<uint32_t>(WeightLayout::Awq) ==
                      static_cast<uint32_t>(::w4a16::PackedLayout::Awq),
              "WeightLayout must mirror w4a16::PackedLayout");
// WeightLayout::Fragment is Repack.h's layout, not a PackedLayout.

#include "w4a16/Dialect/W4A16/IR/W4A16Enums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.cpp.inc"

void W4A16Dialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.cpp.inc"
      >();
}

LogicalResult
QuantSchemeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        WeightLayout layout, int64_t bits, int64_t groupSize,
                        ZeroPointKind zeroPoint, bool gptqV1) {
  if (bits != ::w4a16::kBitsPerValue)
    return emitError() << "only 4-bit weights are supported, got bits = "
                       << bits;
  if (groupSize != kPerChannel &&
      (groupSize <= 0 || groupSize % ::w4a16::kValuesPerWord != 0))
    return emitError() << "group_size must be a positive multiple of 8 or -1 "
                          "(per-channel), got "
                       << groupSize;
  if (gptqV1 &&
      (layout == WeightLayout::Awq || zeroPoint != ZeroPointKind::Packed))
    return emitError() << "gptq_v1 applies only to the gptq and fragment "
                          "layouts with zero_point = packed";
  return success();
}

LogicalResult TilingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 TilingStrategy strategy, StringRef chip,
                                 int64_t mMin, int64_t mMax, int64_t tileM,
                                 int64_t tileN, int64_t tileK, int64_t splitK,
                                 int64_t workgroupSize, int64_t ldsBytes,
                                 DecodeKernel decodeKernel) {
  auto target = lookupTarget(chip);
  if (!target)
    return emitError() << llvm::toString(target.takeError());
  if (mMin < 1 || (mMax != kUnboundedM && mMax < mMin))
    return emitError() << "M range [" << mMin << ", " << mMax
                       << "] is empty (m_max = -1 means unbounded)";
  if (tileM <= 0 || tileN <= 0 || tileK <= 0 || splitK <= 0)
    return emitError() << "tile sizes and split_k must be positive";
  if (strategy != TilingStrategy::Decode) {
    for (auto [name, size, step] :
         {std::make_tuple("tile_m", tileM, target->mmaM),
          std::make_tuple("tile_n", tileN, target->mmaN),
          std::make_tuple("tile_k", tileK, target->mmaK)})
      if (size % step != 0)
        return emitError() << name << " = " << size
                           << " is not a multiple of the " << step
                           << " of the matrix instruction on " << chip;
  }
  if (workgroupSize <= 0 || workgroupSize % target->waveSize != 0 ||
      workgroupSize > 1024)
    return emitError() << "workgroup_size = " << workgroupSize
                       << " must be a multiple of the wave size "
                       << target->waveSize << " and at most 1024";
  // Each wave of a decode workgroup walks whole packed rows.
  int64_t waveRows = workgroupSize / target->waveSize * ::w4a16::kValuesPerWord;
  if (strategy == TilingStrategy::Decode && tileK % waveRows != 0)
    return emitError() << "decode tile_k = " << tileK
                       << " must be whole packed rows per wave (a multiple of "
                       << waveRows << ")";
  if (ldsBytes < 0 || ldsBytes > target->ldsBytesPerWorkgroup)
    return emitError() << "lds_bytes = " << ldsBytes << " exceeds the "
                       << target->ldsBytesPerWorkgroup
                       << " bytes of LDS per workgroup on " << chip;
  if (strategy == TilingStrategy::Decode && decodeKernel == DecodeKernel::Dot &&
      tileN != target->dotDecodeTileN())
    return emitError() << "the dot decode kernel reads "
                       << ::w4a16::kColumnsPerLoad
                       << " columns per lane of a wave: tile_n must be "
                       << target->dotDecodeTileN() << " on " << chip << ", got "
                       << tileN;
  if (decodeKernel == DecodeKernel::Matrix) {
    if (strategy != TilingStrategy::Decode)
      return emitError() << "decode_kernel = matrix names a decode kernel, "
                            "but the strategy is "
                         << stringifyTilingStrategy(strategy);
    if (target->matrixDecodeMinRows == 0)
      return emitError() << chip << " has no matrix decode kernel";
    if (tileM > target->mmaN)
      return emitError() << "the matrix decode kernel puts the tile's rows "
                            "in the "
                         << target->mmaN << " columns of the matrix "
                         << "instruction on " << chip
                         << ", got tile_m = " << tileM;
  }
  return success();
}
