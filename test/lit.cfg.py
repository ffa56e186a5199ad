# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "W4A16"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".py", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.w4a16_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "lib"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%w4a16_src_root", config.w4a16_src_root))
config.substitutions.append(("%w4a16_obj_root", config.w4a16_obj_root))
config.substitutions.append(("%ukernel_dir", config.ukernel_dir))
config.substitutions.append(("%clangxx22", os.path.join(config.llvm_tools_dir, "clang++")))
config.substitutions.append(("%llvm_bin", config.llvm_tools_dir))
runner_libs = ",".join(
    os.path.join(config.mlir_lib_dir, lib + ".so")
    for lib in ("libmlir_c_runner_utils", "libmlir_runner_utils"))
config.substitutions.append(("%mlir_runner_libs", runner_libs))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Python test helpers (the generator and the numpy reference) are importable.
llvm_config.with_environment(
    "PYTHONPATH",
    [os.path.join(config.w4a16_obj_root, "python_packages"),
     os.path.join(config.w4a16_src_root, "test", "lib")],
    append_path=True)

tool_dirs = [config.w4a16_tools_dir, config.llvm_tools_dir]
# Python tests call the tools by name.
llvm_config.with_environment("PATH", tool_dirs, append_path=True)
config.environment["W4A16_RUNNER_LIBS"] = runner_libs
tools = ["w4a16-opt", "w4a16-compile", "w4a16-target-unittests", "w4a16-driver-unittests", "mlir-runner", "mlir-opt"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
