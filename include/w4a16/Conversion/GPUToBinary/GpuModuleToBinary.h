//===- GpuModuleToBinary.h - gpu.module serialization -----------*- C++ -*-===//

#ifndef W4A16_CONVERSION_GPUTOBINARY_GPUMODULETOBINARY_H
#define W4A16_CONVERSION_GPUTOBINARY_GPUMODULETOBINARY_H

#include "mlir/Pass/Pass.h"

namespace mlir::w4a16 {

#define GEN_PASS_DECL_W4A16GPUMODULETOBINARYPASS
#include "w4a16/Conversion/Passes.h.inc"

} // namespace mlir::w4a16

#endif // W4A16_CONVERSION_GPUTOBINARY_GPUMODULETOBINARY_H
