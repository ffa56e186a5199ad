//===- Driver.h - Text-in, text-out entry points for w4a16 ------*- C++ -*-===//
//
// What a front end (the Python module, a compile tool) needs: parse IR text,
// run a pipeline on it, print the result, and hand every diagnostic back as
// plain data instead of printing it, so the caller decides how to report it.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_DRIVER_DRIVER_H
#define W4A16_DRIVER_DRIVER_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "w4a16/Conversion/W4A16ToGPU/W4A16ToGPU.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace mlir::w4a16 {

/// A diagnostic detached from the context that emitted it. Notes attached to
/// an error follow it as separate records.
struct DiagnosticRecord {
  DiagnosticSeverity severity;
  /// "file:line:col" of the first file location the diagnostic carries, or
  /// empty when it has none (e.g. a malformed pass pipeline).
  std::string location;
  std::string message;
};
using DiagnosticList = std::vector<DiagnosticRecord>;

/// Parses `ir` (locations name `sourceName`), runs `pipeline` on it and
/// returns the printed module. `pipeline` is either the anchored form
/// `builtin.module(...)` or the list of passes inside it; passes on nested ops
/// (e.g. func.func passes) are nested implicitly. On failure, `diagnostics`
/// says why.
FailureOr<std::string> runPipelineOnText(StringRef ir, StringRef pipeline,
                                         StringRef sourceName,
                                         DiagnosticList &diagnostics);

/// Whether `name` is a registered pass or pass pipeline.
bool isRegisteredPassOrPipeline(StringRef name);

enum class Backend { CPU, GPU };

struct CompileOptions {
  /// The GPU to generate code for (GPU backend only): a gfx11 chip, or an
  /// NVIDIA chip (sm_80, sm_90) that runs the gfx11 kernels emulated.
  std::string chipset = "gfx1100";
  /// If set, an NVIDIA chip that runs the kernels built exactly as for the
  /// gfx11 `chipset` (GPUPipelineOptions::emulate).
  std::string emulate;
  Backend backend = Backend::GPU;
  /// Run-time range {min, max} of a dynamic M (GPU backend only; empty: the
  /// tiling pass's default).
  std::vector<int64_t> mRange;
  /// Inner loop of the main kernels (GPU backend only).
  KernelBackend kernelBackend = KernelBackend::Auto;
};

/// Everything a compilation produces. Fields a backend does not produce stay
/// empty.
struct CompileArtifacts {
  /// The module after the backend's pipeline.
  std::string ir;
  /// The code object (AMD: ELF bytes; NVIDIA: PTX text).
  std::string binary;
  /// Its assembly (NVIDIA: the same PTX).
  std::string isa;
  /// JSON description of the kernels in `binary` (docs/ABI.md).
  std::string manifest;
  /// Static report (AMD only): per kernel resources, hot-loop instruction
  /// mix per 32 weights per lane and the modelled time on the chip.
  std::string report;
};

/// Compiles the module in `ir` with the backend `options` choose.
FailureOr<CompileArtifacts> compileModule(StringRef ir, StringRef sourceName,
                                          const CompileOptions &options,
                                          DiagnosticList &diagnostics);

} // namespace mlir::w4a16

#endif // W4A16_DRIVER_DRIVER_H
