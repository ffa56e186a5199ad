// RUN: w4a16-opt %s --w4a16-gpu-pipeline="backend=mlir chipset=gfx1100" | FileCheck %s --check-prefix=BIN
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="backend=mlir chipset=gfx1151 format=isa" | FileCheck %s --check-prefix=ISA
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="backend=mlir chipset=gfx1200" 2>&1 | FileCheck %s --check-prefix=RDNA4

// From w4a16.matmul on tensors to launches on memrefs and a code object
// (lld 22 found through the toolkit directory the build creates).

// BIN-LABEL: func.func @decode(%{{.*}}: memref<1x4096xf16>
// BIN: gpu.launch_func @w4a16_kernels::@matmul_0_decode
// BIN: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// BIN: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1100">, bin = "\7FELF

// ISA: gpu.binary @w4a16_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx1151">, assembly =
// ISA-SAME: v_dot2{{(acc)?}}_f32_f16
// ISA-SAME: .private_segment_fixed_size: 0

// RDNA4: error: chip 'gfx1200': RDNA4 (gfx12) WMMA uses a different operand layout and is not supported yet
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
