//===- NoL1Load.h - 16-byte global loads that skip L1 (PTX) -----*- C++ -*-===//
//
// LLVM 22's NVPTX backend cannot ask a load not to allocate in L1, so the
// decode kernels write those loads as inline PTX. MLIR's llvm.inline_asm
// carries no call attributes, and LLVM's instruction-level queries count an
// asm call without them as one that may write memory and not return: loads
// around it then stay where the lowering wrote them (the decode's group
// loads one segment ahead, which measured slower than the form LLVM makes
// of plain loads). The serialization therefore marks these asm calls, by
// their text, as what they are: reads of their address operand.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_TARGET_NOL1LOAD_H
#define W4A16_TARGET_NOL1LOAD_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir::w4a16 {

/// The PTX of four i32 loaded without allocating in L1 from `byteOffset`
/// bytes past a global address ($4). The offset is an immediate, so rows of
/// one base address cost no address registers.
std::string getNoL1LoadAsm(int32_t byteOffset);
constexpr llvm::StringLiteral kNoL1LoadConstraints = "=r,=r,=r,=r,l";

/// Gives every call of a getNoL1LoadAsm inline asm in `module` the
/// attributes of a load: reads only its pointer operand, returns, and does
/// not unwind.
void markNoL1LoadsAsLoads(llvm::Module &module);

} // namespace mlir::w4a16

#endif // W4A16_TARGET_NOL1LOAD_H
