"""w4a16.runtime without a GPU: the library loads (and links nothing but
libc/libdl), a missing driver is a clear DeviceError, and the argument
packing and grid formulas follow docs/ABI.md. Run with
PYTHONPATH=<build>/python_packages."""
import os
import struct
import subprocess

import pytest

from w4a16 import runtime

KERNEL = {
    "symbol": "k", "function": "f", "grid": ["ceildiv(M * 4096, 256)", 4, 1],
    "workgroup_size": [256, 1, 1],
    "args": [
        {"name": "x", "kind": "memref", "element": "f16", "shape": [None, 64],
         "offset": 0, "size": 56},
        {"name": "workspace", "kind": "memref", "element": "f32",
         "shape": [2, None, 16], "offset": 56, "size": 72},
        {"name": "m", "kind": "scalar", "offset": 128, "size": 8},
    ]}


def test_library_links_no_llvm():
    needed = subprocess.run(["ldd", runtime.library_path()],
                            capture_output=True, text=True,
                            check=True).stdout
    assert "libc.so" in needed
    assert "LLVM" not in needed and "MLIR" not in needed and \
        "stdc++" not in needed


def test_no_cuda_driver_is_a_clear_error(monkeypatch):
    if os.path.exists("/dev/nvidiactl"):
        pytest.skip("an NVIDIA driver is present")
    with pytest.raises(runtime.DeviceError,
                       match=r"cuda: cannot load the driver library .*"
                             r"libcuda\.so\.1.*is a CUDA GPU driver "
                             r"installed\?"):
        runtime.Device("cuda")


def test_no_hip_driver_is_a_clear_error():
    if os.path.exists("/dev/kfd"):
        pytest.skip("a ROCm driver is present")
    with pytest.raises(runtime.DeviceError,
                       match=r"hip: cannot load the driver library.*ROCm"):
        runtime.Device("hip")


def test_unknown_backend():
    with pytest.raises(runtime.DeviceError, match="unknown backend 'metal'"):
        runtime.Device("metal")


def test_unknown_code_object():
    with pytest.raises(ValueError, match="unknown code object kind 'spirv'"):
        runtime.Runtime.load(b"", {"code_object": "spirv", "kernels": []})


def test_grid_formulas():
    assert runtime.grid_size(7, 3) == 7
    assert runtime.grid_size("ceildiv(M * 4096, 256)", 3) == 48
    assert runtime.grid_size("ceildiv(M * 4095, 256)", 1) == 16
    assert runtime.grid_size("(M + 7) / 8", 9) == 2
    with pytest.raises(ValueError, match="unexpected grid formula"):
        runtime.grid_size("__import__('os')", 1)


def test_pack_arguments_descriptors():
    packed = runtime.pack_arguments(KERNEL, {"x": 0x1000, "workspace": 0x2000},
                                    m=3)
    assert len(packed) == 136
    # x: allocated, aligned, offset, sizes (M, 64), strides (64, 1).
    assert struct.unpack_from("<QQq2q2q", packed, 0) == \
        (0x1000, 0x1000, 0, 3, 64, 64, 1)
    # workspace [2, M, 16]: strides (M * 16, 16, 1).
    assert struct.unpack_from("<QQq3q3q", packed, 56) == \
        (0x2000, 0x2000, 0, 2, 3, 16, 48, 16, 1)
    assert struct.unpack_from("<q", packed, 128) == (3,)


def weight_kernel(symbol, m_range, layout, shape):
    return {"symbol": symbol, "function": "f", "grid": [1, 1, 1],
            "workgroup_size": [32, 1, 1], "m_range": m_range,
            "weight_layout": layout,
            "args": [{"name": "qweight", "kind": "memref", "element": "i32",
                      "shape": shape, "offset": 0,
                      "size": 24 + 16 * len(shape)}]}


def test_launch_matmul_picks_the_m_range_and_its_weight_layout(monkeypatch):
    rt = object.__new__(runtime.Runtime)
    rt.manifest = {"kernels": [
        weight_kernel("decode", [1, 8], "gptq", [8, 32]),
        weight_kernel("wmma", [9, 64], "fragment", [2, 2, 64])]}
    rt.device = runtime.Device.__new__(runtime.Device)
    rt.device.handle = None
    rt.functions = {"decode": "decode-function", "wmma": "wmma-function"}
    launches = []
    monkeypatch.setattr(runtime, "_call",
                        lambda name, *args: launches.append(args))
    buffers = {"qweight": 0x1000, "qweight_fragment": 0x2000}
    assert rt.uses_fragment_weights()
    assert rt.arguments(4) == {"qweight": ("i32", (8, 32))}
    assert rt.arguments(9) == {"qweight": ("i32", (2, 2, 64))}
    rt.launch_matmul(16, buffers, stream=7)
    rt.launch_matmul(8, buffers)
    (_, wmma, _, _, wmma_args, _, stream), (_, decode, _, _, decode_args, _,
                                            default) = launches
    assert (wmma, stream, decode, default) == ("wmma-function", 7,
                                               "decode-function", None)
    assert struct.unpack_from("<Q", wmma_args)[0] == 0x2000
    assert struct.unpack_from("<Q", decode_args)[0] == 0x1000
    with pytest.raises(ValueError, match="no kernel of 'f' serves M = 65"):
        rt.kernels_for(65)


def test_kernels_that_wait_for_the_previous_one_are_dependent_launches(
        monkeypatch):
    rt = object.__new__(runtime.Runtime)
    main = dict(weight_kernel("main", [1, 8], "gptq", [8, 32]))
    reduce = dict(weight_kernel("reduce", [1, 8], None, [8, 32]),
                  waits_for_previous=True)
    rt.manifest = {"kernels": [main, reduce]}
    rt.device = runtime.Device.__new__(runtime.Device)
    rt.device.handle = None
    rt.functions = {"main": "main-function", "reduce": "reduce-function"}
    launches = []
    monkeypatch.setattr(runtime, "_call",
                        lambda name, *args: launches.append((name, args[1])))
    rt.launch_matmul(1, {"qweight": 0x1000})
    assert launches == [("w4a16_rt_launch", "main-function"),
                        ("w4a16_rt_launch_dependent", "reduce-function")]


def test_library_exports_the_dependent_launch():
    # Binding fails with AttributeError for a symbol the library lacks.
    assert len(runtime._library().w4a16_rt_launch_dependent.argtypes) == 7
