// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=sm_90 m-range=9,600 format=isa" | FileCheck %s --check-prefixes=PTX,F16
// RUN: sed 's/xf16>/xbf16>/g' %s | w4a16-opt --w4a16-gpu-pipeline="chipset=sm_80 m-range=9,600 format=isa" | FileCheck %s --check-prefixes=PTX,BF16

// Native NVIDIA small_batch (M = 9..64) and prefill (M >= 65) kernels:
// mma.sync m16n8k16 in the K loop, fed by 16-byte weight copies into the
// operand stages (small batch) or 16-byte weight loads (G128 prefill), and
// no warp shuffles (the gfx11 emulation's operand gathers) anywhere in them.

// PTX: .visible .entry matmul_0_m9_small_batch(
// PTX-NOT: shfl.sync
// PTX: cp.async.cg.shared.global [%rd{{[0-9]+}}], [%rd{{[0-9]+}}], 16;
// PTX: cp.async.wait_group
// F16: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// BF16: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-NOT: shfl.sync
// PTX: .visible .entry matmul_0_m9_splitk_reduce(
// PTX: .visible .entry matmul_0_m65_prefill(
// PTX-NOT: shfl.sync
// PTX: ld.global.v4.b32
// PTX: bar.sync
// PTX: ld.shared.v4
// F16: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// BF16: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-NOT: shfl.sync
// PTX: .visible .entry matmul_0_m65_splitk_reduce(
func.func @matmul(%x: tensor<?x1024xf16>, %w: tensor<128x512xi32>, %s: tensor<8x512xf16>, %z: tensor<8x64xi32>, %i: tensor<?x512xf16>) -> tensor<?x512xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x512xi32>, tensor<8x512xf16>) zeros(%z : tensor<8x64xi32>) outs(%i : tensor<?x512xf16>) -> tensor<?x512xf16>
  return %0 : tensor<?x512xf16>
}
