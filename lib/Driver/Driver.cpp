//===- Driver.cpp - Text-in, text-out entry points for w4a16 --------------===//

#include "w4a16/Driver/Driver.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "w4a16/Driver/IsaStats.h"
#include "w4a16/Driver/KernelManifest.h"
#include "w4a16/InitAll.h"
#include "w4a16/Pipelines/Pipelines.h"
#include "w4a16/Target/TargetInfo.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::w4a16;

namespace {

std::string formatLocation(Location loc) {
  std::string result;
  loc->walk([&](Location nested) {
    auto fileLoc = dyn_cast<FileLineColLoc>(nested);
    if (!fileLoc)
      return WalkResult::advance();
    result = (fileLoc.getFilename().getValue() + ":" +
              Twine(fileLoc.getLine()) + ":" + Twine(fileLoc.getColumn()))
                 .str();
    return WalkResult::interrupt();
  });
  return result;
}

void record(Diagnostic &diag, DiagnosticList &diagnostics) {
  diagnostics.push_back(
      {diag.getSeverity(), formatLocation(diag.getLocation()), diag.str()});
  for (Diagnostic &note : diag.getNotes())
    record(note, diagnostics);
}

void recordError(const Twine &message, DiagnosticList &diagnostics) {
  diagnostics.push_back({DiagnosticSeverity::Error, "", message.str()});
}

bool hasError(const DiagnosticList &diagnostics) {
  return llvm::any_of(diagnostics, [](const DiagnosticRecord &diag) {
    return diag.severity == DiagnosticSeverity::Error;
  });
}

/// Parses `ir`, lets `populate` fill a pass manager on the module, runs it,
/// lets `inspect` (if given) read the result and prints the module.
FailureOr<std::string>
runOnText(StringRef ir, StringRef sourceName, DiagnosticList &diagnostics,
          function_ref<LogicalResult(OpPassManager &)> populate,
          function_ref<LogicalResult(ModuleOp)> inspect = {}) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    record(diag, diagnostics);
    return success();
  });

  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(ir, ParserConfig(&context), sourceName);
  if (!module)
    return failure();

  PassManager pm(&context, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  if (failed(populate(pm)))
    return failure();
  if (failed(pm.run(*module))) {
    if (!hasError(diagnostics))
      recordError("the pass pipeline failed without a diagnostic", diagnostics);
    return failure();
  }
  if (inspect && failed(inspect(*module)))
    return failure();

  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

void setPipelineOptions(GPUPipelineOptions &options,
                        const CompileOptions &compileOptions) {
  options.chipset = compileOptions.chipset;
  options.emulate = compileOptions.emulate;
  for (int64_t bound : compileOptions.mRange)
    options.mRange.push_back(bound);
  options.backend = compileOptions.kernelBackend;
}

/// The bytes of the one object of the one gpu.binary in `module`.
FailureOr<std::string> getBinaryObject(ModuleOp module,
                                       DiagnosticList &diagnostics) {
  SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
  if (binaries.empty()) {
    recordError("nothing to compile: no matmul of the module needs a GPU "
                "kernel (a matmul of no rows folds to its init)",
                diagnostics);
    return failure();
  }
  if (binaries.size() != 1 || binaries.front().getObjects().size() != 1) {
    recordError("expected the GPU pipeline to produce exactly one "
                "gpu.binary with one object, got " +
                    Twine(binaries.size()) + " binaries",
                diagnostics);
    return failure();
  }
  return cast<gpu::ObjectAttr>(binaries.front().getObjects()[0])
      .getObject()
      .getValue()
      .str();
}

/// Serializes the lowered kernels of `module` in `format`, in place.
FailureOr<std::string> serialize(ModuleOp module, const TargetInfo &device,
                                 StringRef format,
                                 DiagnosticList &diagnostics) {
  PassManager pm(module.getContext());
  addGPUSerialization(pm, device, format, /*toolkit=*/"");
  if (failed(pm.run(module))) {
    if (!hasError(diagnostics))
      recordError("gpu-module-to-binary failed without a diagnostic",
                  diagnostics);
    return failure();
  }
  return getBinaryObject(module, diagnostics);
}

/// Runs the torch-facing GPU pipeline (raise, then code generation) once,
/// serializes its kernels as the binary and (AMD: from a copy) as assembly
/// into `artifacts`, with the lowered module, and returns the kernel
/// launches of the host code.
FailureOr<std::vector<KernelLaunch>>
compileForGPU(StringRef ir, StringRef sourceName,
              const CompileOptions &compileOptions, GPUTargets &targets,
              CompileArtifacts &artifacts, DiagnosticList &diagnostics) {
  GPUPipelineOptions options;
  setPipelineOptions(options, compileOptions);
  std::vector<KernelLaunch> launches;
  FailureOr<std::string> lowered = runOnText(
      ir, sourceName, diagnostics,
      [&](OpPassManager &pm) {
        FailureOr<GPUTargets> resolved =
            buildTorchGPULowering(pm, options, [&](const Twine &message) {
              recordError(message, diagnostics);
            });
        if (failed(resolved))
          return failure();
        targets = *resolved;
        return success();
      },
      [&](ModuleOp module) {
        FailureOr<std::vector<KernelLaunch>> collected =
            collectLaunches(module);
        if (failed(collected))
          return failure();
        launches = std::move(*collected);
        const TargetInfo &device = *targets.device;
        // NVIDIA: the binary is PTX (the driver compiles it at load), which
        // is also the assembly.
        bool isAmd = device.vendor == GpuVendor::AMD;
        if (isAmd) {
          OwningOpRef<ModuleOp> copy = module.clone();
          FailureOr<std::string> isa =
              serialize(*copy, device, "isa", diagnostics);
          if (failed(isa))
            return failure();
          artifacts.isa = std::move(*isa);
        }
        FailureOr<std::string> binary =
            serialize(module, device, isAmd ? "bin" : "isa", diagnostics);
        if (failed(binary))
          return failure();
        artifacts.binary = std::move(*binary);
        if (!isAmd)
          artifacts.isa = artifacts.binary;
        return success();
      });
  if (failed(lowered))
    return failure();
  artifacts.ir = std::move(*lowered);
  return launches;
}

/// The pass list inside `builtin.module(...)`, or `pipeline` itself when it is
/// not wrapped: parsing the wrapper into a pass manager already anchored on
/// builtin.module would nest a second module and run nothing.
StringRef stripModuleAnchor(StringRef pipeline) {
  StringRef text = pipeline.trim();
  StringRef inner = text;
  if (!inner.consume_front("builtin.module("))
    return text;
  // The wrapper must close at the very end, unlike in
  // `builtin.module(a),builtin.module(b)`.
  int depth = 1;
  for (auto [index, c] : llvm::enumerate(inner)) {
    if (c == '(')
      ++depth;
    else if (c == ')' && --depth == 0)
      return index + 1 == inner.size() ? inner.drop_back() : text;
  }
  return text;
}

} // namespace

FailureOr<std::string>
mlir::w4a16::runPipelineOnText(StringRef ir, StringRef pipeline,
                               StringRef sourceName,
                               DiagnosticList &diagnostics) {
  return runOnText(ir, sourceName, diagnostics, [&](OpPassManager &pm) {
    std::string error;
    llvm::raw_string_ostream os(error);
    if (succeeded(parsePassPipeline(stripModuleAnchor(pipeline), pm, os)))
      return success();
    recordError("invalid pass pipeline '" + pipeline +
                    "': " + StringRef(error).trim(),
                diagnostics);
    return failure();
  });
}

bool mlir::w4a16::isRegisteredPassOrPipeline(StringRef name) {
  return PassInfo::lookup(name) || PassPipelineInfo::lookup(name);
}

FailureOr<CompileArtifacts>
mlir::w4a16::compileModule(StringRef ir, StringRef sourceName,
                           const CompileOptions &options,
                           DiagnosticList &diagnostics) {
  switch (options.backend) {
  case Backend::CPU: {
    FailureOr<std::string> lowered =
        runOnText(ir, sourceName, diagnostics, [](OpPassManager &pm) {
          buildCPUPipeline(pm);
          return success();
        });
    if (failed(lowered))
      return failure();
    CompileArtifacts artifacts;
    artifacts.ir = std::move(*lowered);
    return artifacts;
  }
  case Backend::GPU: {
    CompileArtifacts artifacts;
    GPUTargets targets;
    FailureOr<std::vector<KernelLaunch>> launches =
        compileForGPU(ir, sourceName, options, targets, artifacts, diagnostics);
    if (failed(launches))
      return failure();
    const TargetInfo &device = *targets.device;
    std::vector<KernelStats> stats = device.vendor == GpuVendor::AMD
                                         ? parseIsa(artifacts.isa)
                                         : parsePtx(artifacts.isa);
    std::string error;
    FailureOr<std::string> manifest =
        buildManifest(*launches, stats, *targets.kernels, device, error);
    if (failed(manifest)) {
      recordError(error, diagnostics);
      return failure();
    }
    artifacts.manifest = std::move(*manifest);
    // The static report models gfx11 assembly only.
    if (device.vendor == GpuVendor::AMD)
      artifacts.report = buildReport(*launches, stats, device);
    return artifacts;
  }
  }
  llvm_unreachable("unknown backend");
}
