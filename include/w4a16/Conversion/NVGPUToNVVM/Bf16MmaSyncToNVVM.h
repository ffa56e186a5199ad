//===- Bf16MmaSyncToNVVM.h - bf16 nvgpu.mma.sync to NVVM --------*- C++ -*-===//

#ifndef W4A16_CONVERSION_NVGPUTONVVM_BF16MMASYNCTONVVM_H
#define W4A16_CONVERSION_NVGPUTONVVM_BF16MMASYNCTONVVM_H

#include "mlir/Pass/Pass.h"

namespace mlir::w4a16 {

#define GEN_PASS_DECL_W4A16BF16MMASYNCTONVVMPASS
#include "w4a16/Conversion/Passes.h.inc"

} // namespace mlir::w4a16

#endif // W4A16_CONVERSION_NVGPUTONVVM_BF16MMASYNCTONVVM_H
