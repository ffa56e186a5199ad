// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=ukernel format=isa" | FileCheck %s -DDIR=%ukernel_dir
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=ukernel ukernel-dir=%t.missing" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 emulate=sm_90 backend=ukernel format=isa" | FileCheck %s --check-prefix=NVIDIA -DDIR=%ukernel_dir
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=sm_80 backend=ukernel format=isa" | FileCheck %s --check-prefix=SM80 -DDIR=%ukernel_dir
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1103 backend=ukernel" 2>&1 | FileCheck %s --check-prefix=NO-BITCODE

// backend=ukernel attaches the chip's microkernel bitcode to the ROCDL target
// (from the build's ukernel directory unless ukernel-dir says otherwise);
// gpu-module-to-binary links and inlines it.

// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode_ukernel
// CHECK: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1100", link = ["[[DIR]]/w4a16_uk_gemv_gfx1100.bc", "[[DIR]]/w4a16_uk_wmma_gfx1100.bc"]>, assembly =
// CHECK-SAME: v_{{(dual_)?}}dot2{{(acc)?}}_f32_f16

// MISSING: error:
// MISSING-SAME: w4a16_uk_gemv_gfx1100.bc

// On an NVIDIA chip (emulated gfx11 kernels or native) the NVVM target links
// the NVIDIA build of the same microkernel sources.
// NVIDIA: gpu.binary @w4a16_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", link = ["[[DIR]]/w4a16_uk_gemv_sm_90.bc", "[[DIR]]/w4a16_uk_wmma_sm_90.bc"]>, {{.*}}assembly = "
// NVIDIA-SAME: .visible .entry matmul_0_decode_ukernel(
// SM80: #nvvm.target<O = 3, chip = "sm_80", link = ["[[DIR]]/w4a16_uk_gemv_sm_80.bc", "[[DIR]]/w4a16_uk_wmma_sm_80.bc"]>, {{.*}}.target sm_80

// Chips the microkernels are not built for are refused, not left to a link
// error.
// NO-BITCODE: error: backend=ukernel links the microkernel bitcode of the chip the kernels run on; the build has none for 'gfx1103' (it has gfx1100,gfx1101,gfx1102,gfx1151,sm_90,sm_80; use backend=mlir)
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
