// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1100 -o %t/sb.hsaco --emit-isa %t/sb.s --manifest %t/sb.json --report %t/report.txt
// RUN: llvm-nm -u %t/sb.hsaco | count 0
// RUN: FileCheck %s --check-prefix=ISA < %t/sb.s
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/sb.json
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.txt
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1151 -o %t/gfx1151.hsaco --emit-isa %t/gfx1151.s --report %t/gfx1151.txt
// RUN: FileCheck %s --check-prefix=ISA < %t/gfx1151.s
// RUN: FileCheck %s --check-prefix=REPORT < %t/gfx1151.txt

// Small batch (M = 16, K = N = 4096, G = 128, packed zeros) on WMMA: the
// argument weights are read in the fragment layout (the host repacks them
// at load time), one 16-byte load per lane and B fragment, f16 WMMA inside
// the K loop, no scratch, occupancy from the VGPRs.

// ISA: matmul_0_small_batch:
// ISA: [[LOOP:.LBB0_[0-9]+]]:
// ISA-NOT: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: global_load_b128
// ISA-NOT: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: v_wmma_f32_16x16x16_f16
// ISA: s_cbranch_scc{{[01]}} [[LOOP]]
// ISA: .amdhsa_private_segment_fixed_size 0

// MANIFEST: "symbol": "matmul_0_small_batch"
// MANIFEST: "weight_layout": "fragment"

// The hot loop loads only 16-byte vectors (weights and A rows), plus the
// group's scales and zeros once per 128-row iteration.
// REPORT:      kernel matmul_0_small_batch (small_batch, chip gfx{{1100|1151}})
// REPORT-NEXT: VGPRs {{[0-9]+}}, SGPRs {{[0-9]+}}, LDS 0 B, scratch 0 B, waves/SIMD {{(8|9|1[0-6])}}
// REPORT-NEXT: inner K loop per 32 weights per lane: global loads b128 x6 b16 x{{[0-9.]+}} b32 x{{[0-9.]+}}, WMMA 4, dot2 0,
// REPORT-NEXT: {{.*}}(memory-bound)
func.func @small_batch(%x: tensor<16x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %z: tensor<32x512xi32>, %i: tensor<16x4096xf16>) -> tensor<16x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<16x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) zeros(%z : tensor<32x512xi32>) outs(%i : tensor<16x4096xf16>) -> tensor<16x4096xf16>
  return %0 : tensor<16x4096xf16>
}
