// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=ukernel --chipset=gfx1100 -o %t/gfx1100.hsaco --emit-isa %t/gfx1100.s --report %t/report.txt
// RUN: llvm-nm -u %t/gfx1100.hsaco | count 0
// RUN: FileCheck %s --check-prefixes=ISA,ISA1100 < %t/gfx1100.s
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.txt
// RUN: w4a16-compile %s --backend=ukernel --chipset=gfx1151 -o %t/gfx1151.hsaco --emit-isa %t/gfx1151.s
// RUN: llvm-nm -u %t/gfx1151.hsaco | count 0
// RUN: FileCheck %s --check-prefixes=ISA,ISA1151 < %t/gfx1151.s
// The default (--backend=auto) on gfx11 is the microkernels: the same ISA.
// RUN: w4a16-compile %s --chipset=gfx1100 -o %t/auto.hsaco --emit-isa %t/auto.s
// RUN: diff %t/gfx1100.s %t/auto.s
// RUN: w4a16-compile %s --backend=auto --chipset=gfx1100 -o %t/auto2.hsaco --emit-isa %t/auto2.s
// RUN: diff %t/gfx1100.s %t/auto2.s

// The microkernel backend links the bitcode of lib/Microkernels for the chip
// and inlines it: no undefined symbol, no call, no scratch; v_dot2 in the
// decode loop and v_wmma in the small-batch loop.

// ISA1100: .amdgcn_target "amdgcn-amd-amdhsa--gfx1100"
// ISA1151: .amdgcn_target "amdgcn-amd-amdhsa--gfx1151"
// ISA-LABEL: matmul_0_decode_ukernel:
// ISA-NOT: s_swappc
// ISA: global_load_b128
// ISA: v_{{(dual_)?}}dot2{{(acc)?}}_f32_f16
// ISA: s_cbranch
// ISA-NOT: scratch_
// ISA: .amdhsa_private_segment_fixed_size 0
// ISA-LABEL: matmul_1_small_batch_ukernel:
// ISA-NOT: s_swappc
// ISA: global_load_b128
// ISA: v_wmma_f32_16x16x16_f16
// ISA: s_cbranch
// ISA-NOT: scratch_
// ISA: .amdhsa_private_segment_fixed_size 0

// REPORT: kernel matmul_0_decode_ukernel (decode, chip gfx1100)
// REPORT-NEXT: scratch 0 B
// REPORT-NEXT: inner K loop per 32 weights per lane: global loads b128 x1, WMMA 0, dot2 16,
// REPORT: kernel matmul_1_small_batch_ukernel (small_batch, chip gfx1100)
// REPORT-NEXT: scratch 0 B
// REPORT-NEXT: inner K loop per 32 weights per lane: {{.*}}, WMMA 4, dot2 0,
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

func.func @small_batch(%x: tensor<16x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<16x4096xf16>) -> tensor<16x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<16x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<16x4096xf16>) -> tensor<16x4096xf16>
  return %0 : tensor<16x4096xf16>
}
