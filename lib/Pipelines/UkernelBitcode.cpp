//===- UkernelBitcode.cpp - The microkernel bitcode a pipeline links ------===//

#include "w4a16/Pipelines/Pipelines.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

llvm::StringRef mlir::w4a16::getUkernelTargets() {
  return W4A16_UKERNEL_TARGETS;
}

bool mlir::w4a16::hasUkernelBitcode(llvm::StringRef chip) {
  llvm::SmallVector<llvm::StringRef> targets;
  getUkernelTargets().split(targets, ',');
  return llvm::is_contained(targets, chip);
}

std::vector<std::string>
mlir::w4a16::getUkernelBitcodeFiles(llvm::StringRef dir, llvm::StringRef chip) {
  // lib/Microkernels/CMakeLists.txt names them w4a16_uk_<family>_<target>.bc.
  llvm::SmallVector<llvm::StringRef> families;
  llvm::StringRef(W4A16_UKERNEL_FAMILIES).split(families, ',');
  llvm::StringRef directory = dir.empty() ? W4A16_DEFAULT_UKERNEL_DIR : dir;
  std::vector<std::string> files;
  for (llvm::StringRef family : families)
    files.push_back(
        (directory + "/w4a16_uk_" + family + "_" + chip + ".bc").str());
  return files;
}
