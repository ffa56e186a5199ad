// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=ukernel format=isa" | FileCheck %s -DDIR=%ukernel_dir
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=ukernel ukernel-dir=%t.missing" 2>&1 | FileCheck %s --check-prefix=MISSING

// backend=ukernel attaches the chip's microkernel bitcode to the ROCDL target
// (from the build's ukernel directory unless ukernel-dir says otherwise);
// gpu-module-to-binary links and inlines it.

// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode_ukernel
// CHECK: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1100", link = ["[[DIR]]/w4a16_uk_gemv_gfx1100.bc", "[[DIR]]/w4a16_uk_wmma_gfx1100.bc"]>, assembly =
// CHECK-SAME: v_{{(dual_)?}}dot2{{(acc)?}}_f32_f16

// MISSING: error:
// MISSING-SAME: w4a16_uk_gemv_gfx1100.bc
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
