//===- NoL1Load.cpp - 16-byte global loads that skip L1 (PTX) -------------===//

#include "w4a16/Target/NoL1Load.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

using namespace llvm;

/// What every getNoL1LoadAsm string starts with; only the offset follows.
static constexpr StringLiteral kNoL1LoadPrefix =
    "ld.global.L1::no_allocate.v4.b32 {$0, $1, $2, $3}, [$4+";

std::string mlir::w4a16::getNoL1LoadAsm(int32_t byteOffset) {
  return (kNoL1LoadPrefix + Twine(byteOffset) + "];").str();
}

void mlir::w4a16::markNoL1LoadsAsLoads(Module &module) {
  for (Function &function : module)
    for (Instruction &instruction : instructions(function)) {
      auto *call = dyn_cast<CallInst>(&instruction);
      auto *asmCallee =
          call ? dyn_cast<InlineAsm>(call->getCalledOperand()) : nullptr;
      if (!asmCallee || asmCallee->hasSideEffects() ||
          !asmCallee->getAsmString().starts_with(kNoL1LoadPrefix))
        continue;
      call->setMemoryEffects(MemoryEffects::argMemOnly(ModRefInfo::Ref));
      call->setDoesNotThrow();
      call->addFnAttr(Attribute::WillReturn);
    }
}
