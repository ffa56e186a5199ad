// A dynamic M over decode, small_batch and prefill: one kernel set per M
// range, each reading its own weight layout (the host repacks the fragment
// copy at load time, docs/ABI.md).
// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1100 --m-range=1,128 -o %t/k.hsaco --manifest %t/k.json --emit-isa %t/k.s
// RUN: %python -c "import json, sys; [print(k['symbol'], k['m_range'], k.get('weight_layout', '-')) for k in json.load(open(sys.argv[1]))['kernels']]" %t/k.json | FileCheck %s
// RUN: FileCheck %s --check-prefix=ISA < %t/k.s

// CHECK:      matmul_0_m1_decode [1, 1] gptq
// CHECK-NEXT: matmul_0_m1_splitk_reduce [1, 1] -
// CHECK-NEXT: matmul_0_m2_decode [2, 2] gptq
// CHECK-NEXT: matmul_0_m2_splitk_reduce [2, 2] -
// CHECK-NEXT: matmul_0_m3_decode [3, 4] gptq
// CHECK-NEXT: matmul_0_m3_splitk_reduce [3, 4] -
// CHECK-NEXT: matmul_0_m5_decode [5, 8] gptq
// CHECK-NEXT: matmul_0_m5_splitk_reduce [5, 8] -
// CHECK-NEXT: matmul_0_m9_small_batch [9, 16] fragment
// CHECK-NEXT: matmul_0_m9_splitk_reduce [9, 16] -
// CHECK-NEXT: matmul_0_m17_small_batch [17, 32] fragment
// CHECK-NEXT: matmul_0_m17_splitk_reduce [17, 32] -
// CHECK-NEXT: matmul_0_m33_small_batch [33, 64] fragment
// CHECK-NEXT: matmul_0_m33_splitk_reduce [33, 64] -
// CHECK-NEXT: matmul_0_m65_prefill [65, 128] fragment
// CHECK-NEXT: matmul_0_m65_splitk_reduce [65, 128] -

// ISA-LABEL: matmul_0_m1_decode:
// ISA:       v_dot2{{(acc)?}}_f32_f16
// ISA-LABEL: matmul_0_m9_small_batch:
// ISA:       v_wmma_f32_16x16x16_f16
// ISA-LABEL: matmul_0_m65_prefill:
// ISA:       v_wmma_f32_16x16x16_f16
func.func @dynamic(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<?x4096xf16>) -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}
