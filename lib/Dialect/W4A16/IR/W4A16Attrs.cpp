//===- W4A16Attrs.cpp - w4a16 attributes ----------------------------------===//

#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.h"
#include "mlir/IR/Builders.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Dialect.h"
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
