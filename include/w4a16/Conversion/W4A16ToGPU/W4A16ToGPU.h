//===- W4A16ToGPU.h - w4a16.matmul to GPU kernels ---------------*- C++ -*-===//

#ifndef W4A16_CONVERSION_W4A16TOGPU_W4A16TOGPU_H
#define W4A16_CONVERSION_W4A16TOGPU_W4A16TOGPU_H

#include "mlir/Pass/Pass.h"

namespace mlir::w4a16 {

#define GEN_PASS_DECL_CONVERTW4A16TOGPUPASS
#include "w4a16/Conversion/Passes.h.inc"

} // namespace mlir::w4a16

#endif // W4A16_CONVERSION_W4A16TOGPU_W4A16TOGPU_H
