//===- IsaStats.h - Facts read from AMDGPU assembly text --------*- C++ -*-===//
//
// The static report reads what the backend actually produced: per-kernel
// resources from the `.amdhsa_kernel` directives and the code object
// metadata, and the instruction mix of a kernel's hottest loop.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_DRIVER_ISASTATS_H
#define W4A16_DRIVER_ISASTATS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir::w4a16 {

/// Instruction counts of one loop body. Dual-issue VOPD instructions count
/// once in `valuIssues` and per half in the per-kind counts.
struct InstructionMix {
  /// Global/buffer loads by width suffix ("b128", "b64", "u16", ...).
  std::map<std::string, int64_t> globalLoads;
  int64_t globalStores = 0;
  int64_t wmma = 0;
  int64_t dot2 = 0;
  /// VALU operations that are neither WMMA nor dot2.
  int64_t otherValu = 0;
  /// VALU issue slots other than WMMA (a VOPD pair is one slot).
  int64_t valuIssues = 0;
  int64_t ldsOps = 0;
  int64_t waitcnts = 0;
  /// Other scalar instructions (s_delay_alu hints excluded).
  int64_t salu = 0;
};

struct KernelStats {
  std::string name;
  int64_t vgprs = 0, sgprs = 0;
  int64_t ldsBytes = 0, scratchBytes = 0;
  int64_t kernargBytes = 0;
  /// The innermost loop holding the most WMMA/dot2 instructions, if any.
  bool hasHotLoop = false;
  InstructionMix hotLoop;
};

/// Counts the instructions of `lines` (one instruction or label per line).
InstructionMix countInstructions(llvm::ArrayRef<llvm::StringRef> lines);

/// Parses every kernel of `isa` (the assembly of a code object, as
/// gpu-module-to-binary's isa format or llc prints it).
std::vector<KernelStats> parseIsa(llvm::StringRef isa);

/// Parses every `.entry` of NVIDIA `ptx`: its name, parameter bytes and the
/// static shared memory of its workgroup buffers. Registers are not in PTX
/// (ptxas -v reports them); there is no hot-loop mix.
std::vector<KernelStats> parsePtx(llvm::StringRef ptx);

} // namespace mlir::w4a16

#endif // W4A16_DRIVER_ISASTATS_H
