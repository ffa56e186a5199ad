// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1100 --emulate=sm_90 -o %t/emu.ptx --manifest %t/emu.json --report %t/emu.txt
// RUN: FileCheck %s --check-prefix=PTX < %t/emu.ptx
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/emu.json
// RUN: count 0 < %t/emu.txt
// RUN: w4a16-compile %s --chipset=sm_90 -o %t/sm90.ptx --manifest %t/sm90.json
// RUN: FileCheck %s --check-prefix=NATIVE < %t/sm90.json
// RUN: w4a16-compile %s --chipset=sm_80 -o %t/sm80.ptx --manifest %t/sm80.json
// RUN: FileCheck %s --check-prefix=SM80 < %t/sm80.json
// RUN: not w4a16-compile %s --chipset=gfx1100 --emulate=gfx1100 -o %t/bad.ptx 2>&1 | FileCheck %s --check-prefix=PAIR

// The binary is PTX; the manifest names the emulation's error flag, the
// chip the kernels were built for and one argument layout for PTX
// parameters (each memref descriptor field a separate 8-byte parameter).
// PTX: .target sm_90
// PTX: .visible .entry matmul_0_decode(
// MANIFEST: "chip": "sm_90",
// MANIFEST: "code_object": "ptx",
// MANIFEST: "error_flag": "w4a16_emulation_error",
// MANIFEST: "kernel_chip": "gfx1100",
// MANIFEST-NOT: "descriptor"
// MANIFEST: "kernarg_bytes": 248,
// MANIFEST: "lds_bytes": 4096,
// MANIFEST: "symbol": "matmul_0_decode",
// MANIFEST: "kernarg_bytes": 192,
// MANIFEST: "symbol": "matmul_0_splitk_reduce",
// MANIFEST-NOT: "waits_for_previous"
// NATIVE: "chip": "sm_90",
// NATIVE: "kernel_chip": "sm_90",
// NATIVE: "split_k": 16
// sm_90's reduce kernel waits for the main kernel itself, so the host may
// launch it as a dependent launch (docs/ABI.md); sm_80 has no such launch.
// NATIVE-NOT: "waits_for_previous"
// NATIVE: "symbol": "matmul_0_splitk_reduce",
// NATIVE: "waits_for_previous": true
// SM80: "symbol": "matmul_0_splitk_reduce",
// SM80-NOT: "waits_for_previous"
// PAIR: error: emulate='gfx1100' runs kernels built for a gfx11 chipset on an NVIDIA chip
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
