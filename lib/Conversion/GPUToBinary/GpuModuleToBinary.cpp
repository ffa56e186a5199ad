//===- GpuModuleToBinary.cpp - gpu.module serialization -------------------===//
//
// Upstream's serialization with one LLVM IR step: the inline-PTX loads that
// skip L1 get a load's attributes before LLVM optimizes the module.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Conversion/GPUToBinary/GpuModuleToBinary.h"
#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "w4a16/Target/NoL1Load.h"
#include "llvm/ADT/StringSwitch.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16GPUMODULETOBINARYPASS
#include "w4a16/Conversion/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {
struct GpuModuleToBinaryPass
    : public w4a16::impl::W4A16GpuModuleToBinaryPassBase<
          GpuModuleToBinaryPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<gpu::CompilationTarget> format =
        llvm::StringSwitch<std::optional<gpu::CompilationTarget>>(
            compilationTarget)
            .Cases({"offloading", "llvm"}, gpu::CompilationTarget::Offload)
            .Cases({"assembly", "isa"}, gpu::CompilationTarget::Assembly)
            .Cases({"binary", "bin"}, gpu::CompilationTarget::Binary)
            .Cases({"fatbinary", "fatbin"}, gpu::CompilationTarget::Fatbin)
            .Default(std::nullopt);
    if (!format) {
      getOperation().emitError()
          << "unknown format '" << compilationTarget
          << "' (expected offloading, assembly, binary or fatbinary)";
      return signalPassFailure();
    }
    SymbolTable symbols(getOperation());
    auto getSymbols = [&]() -> SymbolTable * { return &symbols; };
    auto markLoads = [](llvm::Module &module) { markNoL1LoadsAsLoads(module); };
    gpu::TargetOptions options(toolkitPath, /*librariesToLink=*/{},
                               /*cmdOptions=*/"", /*elfSection=*/"", *format,
                               getSymbols, markLoads);
    if (failed(gpu::transformGpuModulesToBinaries(
            getOperation(), gpu::OffloadingLLVMTranslationAttrInterface(),
            options)))
      signalPassFailure();
  }
};
} // namespace
