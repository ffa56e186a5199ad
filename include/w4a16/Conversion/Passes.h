//===- Passes.h - w4a16 conversion passes -----------------------*- C++ -*-===//

#ifndef W4A16_CONVERSION_PASSES_H
#define W4A16_CONVERSION_PASSES_H

#include "w4a16/Conversion/AMDGPUToPortable/EmulateAMDGPU.h"
#include "w4a16/Conversion/GPUToBinary/GpuModuleToBinary.h"
#include "w4a16/Conversion/NVGPUToNVVM/Bf16MmaSyncToNVVM.h"
#include "w4a16/Conversion/W4A16ToGPU/W4A16ToGPU.h"
#include "w4a16/Conversion/W4A16ToLinalg/W4A16ToLinalg.h"

namespace mlir::w4a16 {

#define GEN_PASS_REGISTRATION
#include "w4a16/Conversion/Passes.h.inc"

} // namespace mlir::w4a16

#endif // W4A16_CONVERSION_PASSES_H
