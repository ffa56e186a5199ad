//===- PtxStats.cpp - Facts read from NVIDIA PTX text ---------------------===//

#include "w4a16/Driver/IsaStats.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir::w4a16;
using llvm::StringRef;

namespace {

/// Bytes of a PTX scalar type such as `.u64`, `.b32`, `.f16`.
int64_t ptxTypeBytes(StringRef type) {
  int64_t bits = 0;
  if (type.size() < 3 || type.drop_front(2).getAsInteger(10, bits))
    return 0;
  return bits / 8;
}

/// `.shared .align A .b8 NAME[BYTES];` -> {NAME, BYTES}.
std::pair<StringRef, int64_t> parseSharedArray(StringRef line) {
  StringRef declaration = line.rtrim(" \t;");
  auto [head, size] = declaration.rsplit('[');
  int64_t bytes = 0;
  if (size.consume_back("]") && !size.getAsInteger(10, bytes))
    return {head.rsplit(' ').second, bytes};
  return {"", 0};
}

} // namespace

std::vector<KernelStats> mlir::w4a16::parsePtx(StringRef ptx) {
  llvm::SmallVector<StringRef> lines;
  ptx.split(lines, '\n');
  std::vector<KernelStats> kernels;
  std::vector<std::pair<StringRef, int64_t>> sharedArrays;
  bool inParameters = false;
  for (StringRef raw : lines) {
    StringRef line = raw.trim();
    if (line.starts_with(".shared")) {
      sharedArrays.push_back(parseSharedArray(line));
      continue;
    }
    size_t entry = line.find(".entry ");
    if (entry != StringRef::npos) {
      KernelStats kernel;
      kernel.name = line.drop_front(entry + 7).take_until(
          [](char c) { return c == '(' || c == ' '; });
      kernels.push_back(std::move(kernel));
      inParameters = true;
      continue;
    }
    if (!inParameters)
      continue;
    if (line.starts_with(")")) {
      inParameters = false;
      continue;
    }
    // `.param .u64 .ptr .align 1 NAME,`: 8-byte aligned scalars only.
    llvm::SmallVector<StringRef> words;
    line.split(words, ' ', -1, /*KeepEmpty=*/false);
    if (words.size() >= 2 && words[0] == ".param") {
      int64_t bytes = ptxTypeBytes(words[1]);
      KernelStats &kernel = kernels.back();
      kernel.kernargBytes = llvm::alignTo(kernel.kernargBytes, bytes) + bytes;
    }
  }
  // MLIR names a kernel's workgroup buffers __wg_<kernel>_<index>.
  for (KernelStats &kernel : kernels)
    for (auto [name, bytes] : sharedArrays)
      if (name.starts_with("__wg_" + kernel.name + "_"))
        kernel.ldsBytes += bytes;
  return kernels;
}
