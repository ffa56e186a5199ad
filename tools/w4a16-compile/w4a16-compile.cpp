//===- w4a16-compile.cpp - w4a16 IR to a gfx11 code object or PTX ---------===//
//
// A thin command line over the compile driver (lib/Driver): the GPU
// pipeline on one input, then the code object, its ISA, the manifest a host
// program launches from (docs/ABI.md) and the static report.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Driver/Driver.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required);
static cl::opt<std::string>
    outputFile("o", cl::desc("Code object (.hsaco) or, for NVIDIA, PTX"),
               cl::value_desc("file"), cl::Required);
static cl::opt<std::string>
    chipset("chipset", cl::desc("Target chip, e.g. gfx1100 or sm_90"),
            cl::init("gfx1100"));
static cl::opt<std::string>
    emulate("emulate",
            cl::desc("NVIDIA chip that runs the kernels built for the gfx11 "
                     "--chipset through the AMD-op emulation, e.g. sm_90"),
            cl::value_desc("chip"));
static cl::opt<std::string> isaFile("emit-isa", cl::desc("Write the ISA"),
                                    cl::value_desc("file"));
static cl::opt<std::string> manifestFile("manifest",
                                         cl::desc("Write the JSON manifest"),
                                         cl::value_desc("file"));
static cl::opt<std::string>
    reportFile("report", cl::desc("Write the static report (AMD chips only)"),
               cl::value_desc("file"));
static cl::list<int64_t> mRange("m-range",
                                cl::desc("Run-time range of a dynamic M"),
                                cl::value_desc("min,max"), cl::CommaSeparated);

static bool writeFile(StringRef path, StringRef contents) {
  std::error_code error;
  ToolOutputFile file(path, error, sys::fs::OF_None);
  if (error) {
    errs() << path << ": error: " << error.message() << "\n";
    return false;
  }
  file.os() << contents;
  file.keep();
  return true;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv, "w4a16 IR to a gfx11 code object or NVIDIA PTX\n");
  ErrorOr<std::unique_ptr<MemoryBuffer>> input =
      MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!input) {
    errs() << inputFile << ": error: " << input.getError().message() << "\n";
    return 1;
  }
  if (!mRange.empty() && mRange.size() != 2) {
    errs() << "error: --m-range takes two values, min,max\n";
    return 1;
  }

  mlir::w4a16::CompileOptions options;
  options.chipset = chipset;
  options.emulate = emulate;
  options.backend = mlir::w4a16::Backend::GPU;
  options.mRange.assign(mRange.begin(), mRange.end());
  mlir::w4a16::DiagnosticList diagnostics;
  mlir::FailureOr<mlir::w4a16::CompileArtifacts> artifacts =
      mlir::w4a16::compileModule((*input)->getBuffer(), inputFile, options,
                                 diagnostics);
  for (const mlir::w4a16::DiagnosticRecord &diag : diagnostics) {
    StringRef severity =
        diag.severity == mlir::DiagnosticSeverity::Error     ? "error"
        : diag.severity == mlir::DiagnosticSeverity::Warning ? "warning"
        : diag.severity == mlir::DiagnosticSeverity::Note    ? "note"
                                                             : "remark";
    errs() << (diag.location.empty() ? inputFile.getValue() : diag.location)
           << ": " << severity << ": " << diag.message << "\n";
  }
  if (mlir::failed(artifacts))
    return 1;

  bool written = writeFile(outputFile, artifacts->binary);
  if (!isaFile.empty())
    written &= writeFile(isaFile, artifacts->isa);
  if (!manifestFile.empty())
    written &= writeFile(manifestFile, artifacts->manifest + "\n");
  if (!reportFile.empty())
    written &= writeFile(reportFile, artifacts->report);
  return written ? 0 : 1;
}
