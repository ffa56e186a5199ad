"""Loading and launching compiled w4a16 kernels from Python, through ctypes
over `libw4a16_runtime.so` (lib/Runtime, C ABI in
include/w4a16/Runtime/Runtime.h): PTX on NVIDIA (CUDA driver API) and code
objects on AMD (HIP module API), launched from the compile's manifest
(docs/ABI.md).

Pure Python plus numpy and independent of the rest of the package, so that
the file alone also runs where the compiler's native module does not load
(e.g. a GPU machine with another Python):

    rt = Runtime.load(ptx_bytes, manifest)          # manifest: dict or JSON
    y = rt.run_matmul(x, qweight, scales, zeros=None, init=init)

bf16 arrays are passed and returned as their uint16 bit patterns.
"""
import ctypes
import json
import os
import re
import struct

import numpy as np

try:
    from . import formats
except ImportError:  # loaded as a standalone file, next to formats.py
    import formats

LIBRARY_NAME = "libw4a16_runtime.so"
BACKEND_OF_CODE_OBJECT = {"ptx": "cuda", "amdhsa": "hip"}
# numpy dtypes of the manifest's element types (bf16 as its bits).
ELEMENT_DTYPES = {"f16": np.float16, "bf16": np.uint16, "f32": np.float32,
                  "i32": np.int32}
# Output poison: a NaN in every element type the kernels write.
POISON_BITS = {"f16": 0x7E00, "bf16": 0x7FC0, "f32": 0x7FC00000}


class DeviceError(RuntimeError):
    """The runtime library or the GPU driver reported an error."""


class EmulationError(RuntimeError):
    """An emulated gfx11 kernel set the error flag: lanes 16-31 held other
    A/B data than lanes 0-15 at a WMMA (see --w4a16-emulate-amdgpu)."""


def library_path():
    """The runtime library: $W4A16_RUNTIME_LIBRARY, else next to this file
    (an installed package), else the build tree's lib/ (this file is linked
    into <build>/python_packages/w4a16)."""
    explicit = os.environ.get("W4A16_RUNTIME_LIBRARY")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(here, LIBRARY_NAME),
                  os.path.join(here, "..", "..", "lib", LIBRARY_NAME)]
    for path in candidates:
        if os.path.exists(path):
            return os.path.normpath(path)
    raise DeviceError(f"{LIBRARY_NAME} not found (looked in "
                      f"{', '.join(candidates)}); set W4A16_RUNTIME_LIBRARY")


_lib = None


def _library():
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(library_path())
        p, u64, size = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_size_t
        grid = ctypes.POINTER(ctypes.c_uint32 * 3)
        # function, grid, block, packed arguments, their size, stream.
        launch = [p, p, grid, grid, ctypes.c_char_p, size, p]
        signatures = {
            "w4a16_rt_open": [ctypes.c_char_p, ctypes.c_int,
                              ctypes.POINTER(p)],
            "w4a16_rt_load_module": [p, ctypes.c_char_p, ctypes.POINTER(p),
                                     ctypes.c_char_p, size],
            "w4a16_rt_get_function": [p, p, ctypes.c_char_p,
                                      ctypes.POINTER(p)],
            "w4a16_rt_get_global": [p, p, ctypes.c_char_p,
                                    ctypes.POINTER(u64),
                                    ctypes.POINTER(size)],
            "w4a16_rt_malloc": [p, size, ctypes.POINTER(u64)],
            "w4a16_rt_free": [p, u64],
            "w4a16_rt_copy_to_device": [p, u64, p, size],
            "w4a16_rt_copy_to_host": [p, p, u64, size],
            "w4a16_rt_launch": launch,
            "w4a16_rt_launch_dependent": launch,
            "w4a16_rt_synchronize": [p],
        }
        for name, args in signatures.items():
            getattr(lib, name).argtypes = args
            getattr(lib, name).restype = ctypes.c_int
        lib.w4a16_rt_last_error.restype = ctypes.c_char_p
        lib.w4a16_rt_close.argtypes = [p]
        lib.w4a16_rt_close.restype = None
        _lib = lib
    return _lib


def _call(name, *args):
    lib = _library()
    if getattr(lib, name)(*args) != 0:
        raise DeviceError(lib.w4a16_rt_last_error().decode())


class Device:
    """One GPU through one driver API ("cuda" or "hip")."""

    def __init__(self, backend="cuda", device=0):
        handle = ctypes.c_void_p()
        _call("w4a16_rt_open", backend.encode(), device,
              ctypes.byref(handle))
        self.backend = backend
        self.handle = handle

    def close(self):
        if self.handle:
            _library().w4a16_rt_close(self.handle)
            self.handle = None

    def malloc(self, nbytes):
        address = ctypes.c_uint64()
        _call("w4a16_rt_malloc", self.handle, max(nbytes, 1),
              ctypes.byref(address))
        return address.value

    def free(self, address):
        _call("w4a16_rt_free", self.handle, address)

    def upload(self, array):
        array = np.ascontiguousarray(array)
        address = self.malloc(array.nbytes)
        _call("w4a16_rt_copy_to_device", self.handle, address,
              array.ctypes.data, array.nbytes)
        return address

    def download(self, address, dtype, shape):
        array = np.empty(shape, dtype)
        _call("w4a16_rt_copy_to_host", self.handle, array.ctypes.data,
              address, array.nbytes)
        return array

    def synchronize(self):
        _call("w4a16_rt_synchronize", self.handle)


def grid_size(entry, m):
    """A manifest grid entry (an integer or a formula in M with + * / and
    ceildiv, '/' being integer division) for M rows."""
    if isinstance(entry, int):
        return entry
    if not re.fullmatch(r"[0-9M+*/() ,ceildiv]*", entry):
        raise ValueError(f"unexpected grid formula {entry!r}")
    expression = entry.replace("/", "//")
    return int(eval(expression, {"__builtins__": {}},  # noqa: S307
                    {"M": m, "ceildiv": lambda a, b: -(-a // b)}))


def pack_arguments(kernel, buffers, m):
    """The packed argument buffer of `kernel` (a manifest entry):
    `buffers` maps argument names to device addresses; a memref is its
    descriptor (pointer twice, offset 0, sizes, row-major strides), with
    the dynamic size being M; the scalar `m` is M."""
    args = kernel["args"]
    size = max(a["offset"] + a["size"] for a in args) if args else 0
    packed = bytearray(size)
    for arg in args:
        if arg["kind"] == "scalar":
            if arg["name"] != "m":
                raise ValueError(f"unknown scalar argument {arg['name']!r}")
            struct.pack_into("<q", packed, arg["offset"], m)
            continue
        sizes = [m if d is None else d for d in arg["shape"]]
        strides = [int(np.prod(sizes[i + 1:], dtype=np.int64))
                   for i in range(len(sizes))]
        address = buffers[arg["name"]]
        struct.pack_into(f"<QQq{2 * len(sizes)}q", packed, arg["offset"],
                         address, address, 0, *sizes, *strides)
    return bytes(packed)


class Runtime:
    """A loaded compile (binary + manifest) on a device."""

    def __init__(self, device, module, manifest, log):
        self.device = device
        self.module = module
        self.manifest = manifest
        # The JIT's log (CUDA: registers and spills per kernel).
        self.log = log
        self.functions = {}
        for kernel in manifest["kernels"]:
            function = ctypes.c_void_p()
            _call("w4a16_rt_get_function", device.handle, module,
                  kernel["symbol"].encode(), ctypes.byref(function))
            self.functions[kernel["symbol"]] = function

    @classmethod
    def load(cls, binary, manifest, device=None):
        """Loads `binary` (bytes or a path) described by `manifest` (a
        dict, JSON text or a path) on `device` (default: the first GPU of
        the backend the manifest's code object needs)."""
        if isinstance(manifest, (str, os.PathLike)) and \
                os.path.exists(manifest):
            with open(manifest) as f:
                manifest = json.load(f)
        elif isinstance(manifest, str):
            manifest = json.loads(manifest)
        if isinstance(binary, (str, os.PathLike)):
            with open(binary, "rb") as f:
                binary = f.read()
        backend = BACKEND_OF_CODE_OBJECT.get(manifest.get("code_object"))
        if backend is None:
            raise ValueError(f"unknown code object kind "
                             f"{manifest.get('code_object')!r}")
        device = device or Device(backend)
        if device.backend != backend:
            raise ValueError(f"a {manifest['code_object']} binary needs the "
                             f"{backend} backend, not {device.backend}")
        if backend == "cuda":
            binary = binary + b"\0"  # PTX is loaded as C text
        module = ctypes.c_void_p()
        log = ctypes.create_string_buffer(16384)
        _call("w4a16_rt_load_module", device.handle, binary,
              ctypes.byref(module), log, len(log))
        return cls(device, module, manifest, log.value.decode())

    def _error_flag(self):
        name = self.manifest.get("error_flag")
        if not name:
            return None
        address, nbytes = ctypes.c_uint64(), ctypes.c_size_t()
        _call("w4a16_rt_get_global", self.device.handle, self.module,
              name.encode(), ctypes.byref(address), ctypes.byref(nbytes))
        return address.value

    def error_flag_raised(self):
        """Whether an emulated kernel raised the error flag (lanes 16-31
        held other A/B data than lanes 0-15 at a WMMA) since the last call;
        clears it. Synchronizes the device."""
        flag = self._error_flag()
        if flag is None:
            return False
        raised = int(self.device.download(flag, np.int32, ()))
        zero = ctypes.c_int32(0)
        _call("w4a16_rt_copy_to_device", self.device.handle, flag,
              ctypes.addressof(zero), 4)
        return raised != 0

    def launch(self, kernel, buffers, m, stream=None):
        """Launches one manifest kernel for M rows on `stream` (a CUstream /
        hipStream_t handle as an integer, e.g. torch's
        `current_stream().cuda_stream`, so that graphs capture it; None: the
        default stream). `buffers` maps argument names to addresses; the
        `qweight` of a fragment-layout kernel is `qweight_fragment`. A
        kernel that waits for the previous one itself is a dependent launch
        (it may start while that one finishes)."""
        grid = (ctypes.c_uint32 * 3)(*(grid_size(g, m)
                                       for g in kernel["grid"]))
        block = (ctypes.c_uint32 * 3)(*kernel["workgroup_size"])
        if kernel.get("weight_layout") == "fragment":
            buffers = dict(buffers, qweight=buffers["qweight_fragment"])
        args = pack_arguments(kernel, buffers, m)
        launch = ("w4a16_rt_launch_dependent"
                  if kernel.get("waits_for_previous") else "w4a16_rt_launch")
        _call(launch, self.device.handle, self.functions[kernel["symbol"]],
              ctypes.byref(grid), ctypes.byref(block), args, len(args),
              stream)

    def kernels_for(self, m, function=None):
        """The kernels of host function `function` (default: the first) for
        M rows in launch order: with run-time dispatch, the set whose
        m_range holds M, as the host code's branch picks it."""
        function = function or self.manifest["kernels"][0]["function"]
        kernels = [k for k in self.manifest["kernels"]
                   if k["function"] == function and
                   ("m_range" not in k or
                    k["m_range"][0] <= m <= k["m_range"][1])]
        if not kernels:
            raise ValueError(f"no kernel of {function!r} serves M = {m}")
        return kernels

    def arguments(self, m, function=None):
        """{name: (element type, shape)} of the buffers the kernels for M
        rows read or write (workspace and out included), M filled in."""
        buffers = {}
        for kernel in self.kernels_for(m, function):
            for arg in kernel["args"]:
                if arg["kind"] != "scalar":
                    buffers.setdefault(arg["name"], (arg["element"], tuple(
                        m if d is None else d for d in arg["shape"])))
        return buffers

    def uses_fragment_weights(self, function=None):
        """Whether some M range of `function` reads the fragment layout,
        which the caller repacks the GPTQ weights into once, at load time
        (docs/ABI.md)."""
        function = function or self.manifest["kernels"][0]["function"]
        return any(k.get("weight_layout") == "fragment"
                   for k in self.manifest["kernels"]
                   if k["function"] == function)

    def launch_matmul(self, m, buffers, stream=None, function=None):
        """Launches the kernels of `function` for M rows on `stream`, over
        device buffers the caller owns (prepare once, run many): `buffers`
        maps x, qweight (GPTQ), qweight_fragment (if
        uses_fragment_weights), scales, zeros, init, workspace and out to
        addresses (16-byte aligned; shapes from `arguments`)."""
        for kernel in self.kernels_for(m, function):
            self.launch(kernel, buffers, m, stream)

    def run_matmul(self, x, qweight, scales, zeros=None, init=None,
                   function=None):
        """out = init + x @ W on the device, through the manifest's kernels
        (of host function `function`, default: the first) in launch order.
        The output is poisoned (NaN) before the launches; raises
        EmulationError if an emulated kernel set the error flag."""
        m = x.shape[0]
        arrays = {"x": x, "qweight": qweight, "scales": scales,
                  "zeros": zeros, "init": init}
        fragment = any(k.get("weight_layout") == "fragment"
                       for k in self.kernels_for(m, function))
        if fragment:
            # The load-time repack of docs/ABI.md.
            arrays["qweight"] = formats.pack_fragment(
                formats.unpack_weights(np.asarray(qweight), "gptq"))
        buffers = {}
        try:
            for name, (element, shape) in self.arguments(m, function).items():
                dtype = ELEMENT_DTYPES[element]
                if name in ("workspace", "out"):
                    poisoned = np.full(
                        shape, POISON_BITS.get(element, 0),
                        dtype=np.dtype(f"u{np.dtype(dtype).itemsize}"))
                    buffers[name] = self.device.upload(poisoned)
                    continue
                array = arrays.get(name)
                if array is None:
                    raise ValueError(f"the kernels need argument {name!r}")
                array = np.asarray(array)
                if array.shape != shape or array.dtype != dtype:
                    raise ValueError(
                        f"{name}: expected {shape} {np.dtype(dtype).name}, "
                        f"got {array.shape} {array.dtype.name}")
                buffers[name] = self.device.upload(array)
            if fragment:
                buffers["qweight_fragment"] = buffers.pop("qweight")
            self.error_flag_raised()  # clears it
            self.launch_matmul(m, buffers, function=function)
            self.device.synchronize()
            element, shape = self.arguments(m, function)["out"]
            out = self.device.download(buffers["out"],
                                       ELEMENT_DTYPES[element], shape)
            if self.error_flag_raised():
                raise EmulationError(
                    "an emulated WMMA saw lanes 16-31 hold other A/B data "
                    f"than lanes 0-15 (error flag "
                    f"{self.manifest['error_flag']})")
            return out
        finally:
            for address in buffers.values():
                self.device.free(address)
