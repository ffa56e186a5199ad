// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=ukernel --chipset=gfx1100 --emulate=sm_90 -o %t/emu.ptx --manifest %t/emu.json
// RUN: FileCheck %s --check-prefix=PTX < %t/emu.ptx
// RUN: not grep -E "call|\.extern|\.local" %t/emu.ptx
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/emu.json
// RUN: w4a16-compile %s --backend=ukernel --chipset=sm_90 -o %t/sm90.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/sm90.ptx
// RUN: not grep -E "call|\.extern|\.local" %t/sm90.ptx

// The microkernel backend on NVIDIA: the gfx11 kernels call the NVIDIA build
// of the microkernels (gfx11 WMMA as mma.sync, dot2 as FMAs), linked and
// inlined: no call, no undefined (.extern) function, no local memory. At
// M = 4 sm_90's own choice is the matrix decode, which no microkernel
// implements: the backend asks the tiler for the dot decode (the gemv).

// PTX: .target sm_90
// PTX-LABEL: .visible .entry matmul_0_decode_ukernel(
// PTX: fma.rn.f32
// PTX-LABEL: .visible .entry matmul_1_small_batch_ukernel(
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-LABEL: .visible .entry matmul_2_decode_ukernel(
// MANIFEST: "kernel_chip": "gfx1100",
// MANIFEST: "symbol": "matmul_0_decode_ukernel",
// MANIFEST: "symbol": "matmul_1_small_batch_ukernel",
// MANIFEST: "symbol": "matmul_2_decode_ukernel",
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

func.func @small_batch(%x: tensor<16x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<16x4096xf16>) -> tensor<16x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<16x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<16x4096xf16>) -> tensor<16x4096xf16>
  return %0 : tensor<16x4096xf16>
}

func.func @decode_m4(%x: tensor<4x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<4x4096xf16>) -> tensor<4x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<4x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<4x4096xf16>) -> tensor<4x4096xf16>
  return %0 : tensor<4x4096xf16>
}
