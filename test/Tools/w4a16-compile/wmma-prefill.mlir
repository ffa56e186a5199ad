// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1100 -o %t/pf.hsaco --emit-isa %t/pf.s --report %t/report.txt
// RUN: llvm-nm -u %t/pf.hsaco | count 0
// RUN: FileCheck %s --check-prefixes=ISA,ISA1100 < %t/pf.s
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.txt
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1151 -o %t/gfx1151.hsaco --emit-isa %t/gfx1151.s
// RUN: FileCheck %s --check-prefixes=ISA,ISA1151 < %t/gfx1151.s

// Prefill (M = 2048, K = N = 4096, G = 128, f16) and a bf16 small batch
// (M = 32, G = 32, packed zeros) compiled for gfx1100 and gfx1151: WMMA in
// the K loop, LDS reads of A and a barrier per block in prefill, no scratch.

// ISA1100: .amdgcn_target "amdgcn-amd-amdhsa--gfx1100"
// ISA1151: .amdgcn_target "amdgcn-amd-amdhsa--gfx1151"
// ISA: matmul_0_prefill:
// ISA: [[LOOP:.LBB0_[0-9]+]]:
// ISA-NOT: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: ds_store_b128
// ISA-NOT: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: ds_load_b128
// ISA-NOT: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: v_wmma_f32_16x16x16_f16
// ISA-NOT: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: s_barrier
// ISA: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: .amdhsa_private_segment_fixed_size 0
// Split 1: the prefill kernel writes out itself, no reduce kernel.
// ISA-NOT: matmul_0_splitk_reduce:
// ISA: matmul_1_small_batch:
// ISA: [[LOOP1:.LBB1_[0-9]+]]:
// ISA-NOT: s_cbranch_scc{{[01]}} [[LOOP1]]
// ISA: v_wmma_f32_16x16x16_bf16
// ISA: s_cbranch_scc{{[01]}} [[LOOP1]]
// ISA: .amdhsa_private_segment_fixed_size 0

// The report's model: >= 75% of the WMMA peak for prefill, no spills; the
// hot loops load weights only as 16-byte vectors.
// REPORT:      kernel matmul_0_prefill (prefill, chip gfx1100)
// REPORT-NEXT: VGPRs {{[0-9]+}}, SGPRs {{[0-9]+}}, LDS 16384 B, scratch 0 B, waves/SIMD {{[5-9]|1[0-6]}}
// REPORT-NEXT: inner K loop per 32 weights per lane: global loads b128 x8 b16 x1, WMMA 32,
// REPORT:      modelled {{(7[5-9]|8[0-9]|9[0-9])}}.{{[0-9]}}% of peak
// REPORT:      kernel matmul_1_small_batch (small_batch, chip gfx1100)
// REPORT-NEXT: VGPRs {{[0-9]+}}, SGPRs {{[0-9]+}}, LDS 0 B, scratch 0 B
// REPORT-NEXT: inner K loop per 32 weights per lane: global loads b128 x{{[0-9.]+}} b32 x{{[0-9.]+}} u16 x{{[0-9.]+}}, WMMA
func.func @prefill(%x: tensor<2048x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<2048x4096xf16>) -> tensor<2048x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<2048x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<2048x4096xf16>) -> tensor<2048x4096xf16>
  return %0 : tensor<2048x4096xf16>
}

func.func @small_batch_bf16(%x: tensor<32x4096xbf16>, %w: tensor<512x4096xi32>, %s: tensor<128x4096xbf16>, %z: tensor<128x512xi32>, %i: tensor<32x4096xbf16>) -> tensor<32x4096xbf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed> ins(%x, %w, %s : tensor<32x4096xbf16>, tensor<512x4096xi32>, tensor<128x4096xbf16>) zeros(%z : tensor<128x512xi32>) outs(%i : tensor<32x4096xbf16>) -> tensor<32x4096xbf16>
  return %0 : tensor<32x4096xbf16>
}
