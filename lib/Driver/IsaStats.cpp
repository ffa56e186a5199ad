//===- IsaStats.cpp - Facts read from AMDGPU assembly text ----------------===//

#include "w4a16/Driver/IsaStats.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <utility>

using namespace mlir::w4a16;
using llvm::StringRef;

namespace {

/// The integer after `key` on `line` (e.g. ".amdhsa_kernarg_size 248" or
/// ".vgpr_count:     44"), if the line starts with `key`.
bool readField(StringRef line, StringRef key, int64_t &value) {
  if (!line.consume_front(key))
    return false;
  line = line.ltrim(" \t:");
  return !line.getAsInteger(10, value);
}

bool isCode(StringRef line) {
  return !line.empty() && !line.starts_with(";") && !line.starts_with(".") &&
         !line.ends_with(":");
}

void countOperation(StringRef mnemonic, InstructionMix &mix) {
  // VOPD halves name their VALU operation after the v_dual_ prefix.
  bool isVector =
      mnemonic.consume_front("v_dual_") || mnemonic.consume_front("v_");
  if (!isVector) {
    if (mnemonic.starts_with("global_load") ||
        mnemonic.starts_with("buffer_load") ||
        mnemonic.starts_with("flat_load"))
      ++mix.globalLoads[mnemonic.rsplit('_').second.str()];
    else if (mnemonic.starts_with("global_store") ||
             mnemonic.starts_with("buffer_store") ||
             mnemonic.starts_with("flat_store"))
      ++mix.globalStores;
    else if (mnemonic.starts_with("ds_"))
      ++mix.ldsOps;
    else if (mnemonic.starts_with("s_waitcnt"))
      ++mix.waitcnts;
    else if (mnemonic.starts_with("s_") && mnemonic != "s_delay_alu")
      ++mix.salu;
    return;
  }
  if (mnemonic.starts_with("wmma"))
    ++mix.wmma;
  else if (mnemonic.starts_with("dot2"))
    ++mix.dot2;
  else
    ++mix.otherValu;
}

StringRef mnemonicOf(StringRef instruction) {
  instruction = instruction.trim();
  return instruction.take_until([](char c) { return c == ' ' || c == '\t'; });
}

/// The branch target of `line` if it is a branch to a local label.
StringRef branchTarget(StringRef line) {
  StringRef mnemonic = mnemonicOf(line);
  if (mnemonic != "s_branch" && !mnemonic.starts_with("s_cbranch_"))
    return "";
  return line.drop_front(mnemonic.size()).trim();
}

/// Whether lines [label, branch) hold a backward branch to a label inside
/// them (a nested loop).
bool containsLoop(llvm::ArrayRef<StringRef> body, size_t label, size_t branch) {
  for (size_t inner = label + 1; inner < branch; ++inner) {
    StringRef target = branchTarget(body[inner]);
    if (target.empty())
      continue;
    for (size_t innerLabel = label + 1; innerLabel < inner; ++innerLabel)
      if (body[innerLabel] == (target + ":").str())
        return true;
  }
  return false;
}

/// The innermost loop (label .. backward branch to it, holding no other
/// loop) with the most WMMA instructions, then the most dot instructions (a
/// kernel's per-group activation sums use dot2 beside its WMMA loop).
bool findHotLoop(llvm::ArrayRef<StringRef> body, InstructionMix &hot) {
  bool found = false;
  std::pair<int64_t, int64_t> bestOps = {0, 0};
  size_t bestSize = 0;
  for (size_t branch = 0; branch < body.size(); ++branch) {
    StringRef target = branchTarget(body[branch]);
    if (target.empty())
      continue;
    for (size_t label = 0; label < branch; ++label) {
      if (body[label] != (target + ":").str() ||
          containsLoop(body, label, branch))
        continue;
      InstructionMix mix =
          mlir::w4a16::countInstructions(body.slice(label, branch - label + 1));
      std::pair<int64_t, int64_t> ops = {mix.wmma, mix.dot2};
      size_t size = branch - label;
      if (ops > std::pair<int64_t, int64_t>{0, 0} &&
          (ops > bestOps || (ops == bestOps && size < bestSize))) {
        hot = mix;
        bestOps = ops;
        bestSize = size;
        found = true;
      }
    }
  }
  return found;
}

} // namespace

InstructionMix mlir::w4a16::countInstructions(llvm::ArrayRef<StringRef> lines) {
  InstructionMix mix;
  for (StringRef line : lines) {
    line = line.trim();
    if (!isCode(line))
      continue;
    auto [first, second] = line.split("::");
    countOperation(mnemonicOf(first), mix);
    if (!second.empty())
      countOperation(mnemonicOf(second), mix);
    StringRef mnemonic = mnemonicOf(first);
    if (mnemonic.starts_with("v_") && !mnemonic.starts_with("v_wmma"))
      ++mix.valuIssues;
  }
  return mix;
}

std::vector<KernelStats> mlir::w4a16::parseIsa(StringRef isa) {
  llvm::SmallVector<StringRef> lines;
  isa.split(lines, '\n');
  std::vector<KernelStats> kernels;
  auto find = [&](StringRef name) -> KernelStats * {
    for (KernelStats &kernel : kernels)
      if (kernel.name == name)
        return &kernel;
    return nullptr;
  };

  KernelStats *current = nullptr;
  std::string pendingFunction;
  llvm::SmallVector<StringRef> body;
  bool inBody = false;
  for (StringRef raw : lines) {
    StringRef line = raw.trim();
    if (line.consume_front(".type")) {
      auto [name, kind] = line.trim().split(',');
      if (kind.trim() == "@function")
        pendingFunction = name.trim().str();
      continue;
    }
    if (!pendingFunction.empty() && line == pendingFunction + ":") {
      kernels.push_back({});
      kernels.back().name = pendingFunction;
      pendingFunction.clear();
      body.clear();
      inBody = true;
      continue;
    }
    // The kernel descriptor directives sit inside the function's extent.
    if (inBody && line.starts_with(".Lfunc_end")) {
      inBody = false;
      kernels.back().hasHotLoop = findHotLoop(body, kernels.back().hotLoop);
    } else if (inBody) {
      body.push_back(line);
    }
    if (line.consume_front(".amdhsa_kernel ")) {
      current = find(line.trim());
      continue;
    }
    // Code object metadata: `.name:` precedes a kernel's counts.
    if (line.consume_front(".name:")) {
      current = find(line.trim());
      continue;
    }
    if (!current)
      continue;
    readField(line, ".amdhsa_group_segment_fixed_size", current->ldsBytes);
    readField(line, ".amdhsa_private_segment_fixed_size",
              current->scratchBytes);
    readField(line, ".amdhsa_kernarg_size", current->kernargBytes);
    readField(line, ".vgpr_count", current->vgprs);
    readField(line, ".sgpr_count", current->sgprs);
  }
  return kernels;
}
