//===- EmulateAMDGPU.h - AMD-specific kernel ops to portable ops -*- C++
//-*-===//

#ifndef W4A16_CONVERSION_AMDGPUTOPORTABLE_EMULATEAMDGPU_H
#define W4A16_CONVERSION_AMDGPUTOPORTABLE_EMULATEAMDGPU_H

#include "mlir/Pass/Pass.h"

namespace mlir::w4a16 {

#define GEN_PASS_DECL_W4A16EMULATEAMDGPUPASS
#include "w4a16/Conversion/Passes.h.inc"

/// The i32 global (in each emulated gpu.module, initially 0) that an emulated
/// `amdgpu.wmma` sets to 1 when lanes 16-31 hold different A or B data from
/// lanes 0-15. A host reads it after the run (cuModuleGetGlobal); the
/// manifest names it.
inline constexpr llvm::StringLiteral kEmulationErrorFlagName =
    "w4a16_emulation_error";

} // namespace mlir::w4a16

#endif // W4A16_CONVERSION_AMDGPUTOPORTABLE_EMULATEAMDGPU_H
