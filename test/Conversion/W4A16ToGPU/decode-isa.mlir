// RUN: w4a16-opt %s --w4a16-gpu-pipeline="backend=mlir chipset=gfx1100 format=isa" | FileCheck %s --check-prefixes=CHECK,GFX1100
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="backend=mlir chipset=gfx1151 format=isa" | FileCheck %s --check-prefixes=CHECK,GFX1151

// The decode kernel compiles to real gfx11 code: 16-byte weight loads and
// v_dot2 in the K loop, no scratch.

// GFX1100: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1100">
// GFX1151: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1151">
// CHECK-SAME: matmul_0_decode:
// CHECK-SAME: global_load_b128
// CHECK-SAME: v_dot2{{(acc)?}}_f32_f16
// CHECK-SAME: s_cbranch
// CHECK-SAME: .private_segment_fixed_size: 0
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
