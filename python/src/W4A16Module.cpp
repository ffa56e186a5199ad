//===- W4A16Module.cpp - The native module w4a16._w4a16 -------------------===//
//
// A thin binding of w4a16/Driver: strings in, strings out, failures raised as
// w4a16.compiler.CompileError carrying the MLIR diagnostics.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Driver/Driver.h"
#include "w4a16/InitAll.h"
#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace mlir::w4a16;

namespace {

/// Carries the diagnostics of a failed call out of the section that runs
/// without the GIL, to the exception translator.
struct CompileFailure {
  DiagnosticList diagnostics;
};

template <typename T>
T unwrap(mlir::FailureOr<T> result, DiagnosticList &diagnostics) {
  if (mlir::failed(result))
    throw CompileFailure{std::move(diagnostics)};
  return std::move(*result);
}

const char *severityName(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Error:
    return "error";
  case mlir::DiagnosticSeverity::Warning:
    return "warning";
  case mlir::DiagnosticSeverity::Note:
    return "note";
  case mlir::DiagnosticSeverity::Remark:
    return "remark";
  }
  return "unknown";
}

/// The diagnostics as a list of w4a16.compiler.Diagnostic.
py::list toPython(const DiagnosticList &records) {
  py::module_ compiler = py::module_::import("w4a16.compiler");
  py::list diagnostics;
  for (const DiagnosticRecord &diag : records)
    diagnostics.append(compiler.attr("Diagnostic")(
        severityName(diag.severity), diag.location, diag.message));
  return diagnostics;
}

void raiseCompileError(const CompileFailure &failure) {
  py::module_ compiler = py::module_::import("w4a16.compiler");
  py::object error =
      compiler.attr("CompileError")(toPython(failure.diagnostics));
  PyErr_SetObject(error.get_type().ptr(), error.ptr());
}

/// The value `name` stands for among `choices`; a ValueError naming the
/// argument `what` and the choices otherwise.
template <typename Enum>
Enum parseChoice(const std::string &name, llvm::StringRef what,
                 llvm::ArrayRef<std::pair<llvm::StringRef, Enum>> choices) {
  for (const auto &[choice, value] : choices)
    if (name == choice)
      return value;
  std::string expected;
  for (const auto &[choice, value] : choices)
    expected += (expected.empty() ? "'" : ", '") + choice.str() + "'";
  throw py::value_error(
      ("unknown " + what + " '" + name + "': expected " + expected).str());
}

} // namespace

PYBIND11_MODULE(_w4a16, m) {
  m.doc() = "Native part of w4a16; use the functions of the w4a16 package.";
  registerAllPasses();
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      std::rethrow_exception(thrown);
    } catch (const CompileFailure &failure) {
      raiseCompileError(failure);
    }
  });

  m.def(
      "run_pipeline",
      [](const std::string &ir, const std::string &pipeline,
         const std::string &sourceName) {
        DiagnosticList diagnostics;
        std::string text;
        {
          py::gil_scoped_release release;
          text =
              unwrap(runPipelineOnText(ir, pipeline, sourceName, diagnostics),
                     diagnostics);
        }
        return py::make_tuple(text, toPython(diagnostics));
      },
      py::arg("ir"), py::arg("pipeline"), py::arg("source_name"),
      "Parses `ir`, runs the textual pass pipeline on it and returns the "
      "printed module and the diagnostics (warnings, remarks) emitted.");

  m.def(
      "has_pass",
      [](const std::string &name) { return isRegisteredPassOrPipeline(name); },
      py::arg("name"), "Whether `name` is a registered pass or pass pipeline.");

  m.def(
      "compile",
      [](const std::string &ir, const std::string &chipset,
         const std::string &backend, const std::string &sourceName,
         const std::string &emulate, const std::string &kernels) {
        CompileOptions options;
        options.chipset = chipset;
        options.emulate = emulate;
        options.backend = parseChoice<Backend>(
            backend, "backend", {{"gpu", Backend::GPU}, {"cpu", Backend::CPU}});
        options.kernelBackend =
            parseChoice<KernelBackend>(kernels, "kernels",
                                       {{"auto", KernelBackend::Auto},
                                        {"mlir", KernelBackend::Mlir},
                                        {"ukernel", KernelBackend::Ukernel}});
        DiagnosticList diagnostics;
        CompileArtifacts artifacts;
        {
          py::gil_scoped_release release;
          artifacts = unwrap(
              compileModule(ir, sourceName, options, diagnostics), diagnostics);
        }
        py::dict result;
        result["ir"] = artifacts.ir;
        result["binary"] = py::bytes(artifacts.binary);
        result["isa"] = artifacts.isa;
        result["manifest"] = artifacts.manifest;
        result["report"] = artifacts.report;
        result["diagnostics"] = toPython(diagnostics);
        return result;
      },
      py::arg("ir"), py::arg("chipset"), py::arg("backend"),
      py::arg("source_name"), py::arg("emulate") = "", py::arg("kernels") = "",
      "Compiles `ir`; returns a dict of the artifacts (see CompileArtifacts).");
}
