// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 format=isa" 2>&1 | FileCheck %s --check-prefixes=UKERNEL,AMD,QUIET -DDIR=%ukernel_dir
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=auto format=isa" 2>&1 | FileCheck %s --check-prefixes=UKERNEL,AMD,QUIET -DDIR=%ukernel_dir
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=ukernel format=isa" 2>&1 | FileCheck %s --check-prefixes=UKERNEL,AMD,REMARK -DDIR=%ukernel_dir
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 emulate=sm_90 format=isa" 2>&1 | FileCheck %s --check-prefixes=UKERNEL,EMU,QUIET -DDIR=%ukernel_dir
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=mlir format=isa" 2>&1 | FileCheck %s --check-prefixes=MLIR,QUIET
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=sm_90 format=isa" 2>&1 | FileCheck %s --check-prefixes=MLIR,QUIET
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1103 format=isa" 2>&1 | FileCheck %s --check-prefixes=MLIR,QUIET
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 backend=hip" 2>&1 | FileCheck %s --check-prefix=BAD

// backend=auto (the default) is TargetInfo::preferredBackend of the chip the
// kernels are built for: gfx11 the microkernels, NVIDIA MLIR. With emulate the
// kernels are gfx11 ones, so the microkernels' sm_90 build is linked. gfx1103
// has no microkernel bitcode: auto means MLIR there (backend=ukernel is an
// error, gpu-pipeline-ukernel.mlir). @odd_n is not covered by the
// microkernels and keeps the MLIR loop; only an explicit backend=ukernel
// remarks on it.

// REMARK: remark: microkernel backend not used (N = 202 is not a multiple of 4); using the MLIR lowering
// QUIET-NOT: remark
// UKERNEL: gpu.launch_func  @w4a16_kernels::@matmul_0_decode_ukernel
// UKERNEL: gpu.launch_func  @w4a16_kernels::@matmul_1_decode blocks
// AMD: #rocdl.target<O = 3, chip = "gfx1100", link = ["[[DIR]]/w4a16_uk_gemv_gfx1100.bc", "[[DIR]]/w4a16_uk_wmma_gfx1100.bc"]>
// EMU: #nvvm.target<O = 3, chip = "sm_90", link = ["[[DIR]]/w4a16_uk_gemv_sm_90.bc", "[[DIR]]/w4a16_uk_wmma_sm_90.bc"]>
// MLIR: gpu.launch_func  @w4a16_kernels::@matmul_0_decode blocks
// MLIR: gpu.launch_func  @w4a16_kernels::@matmul_1_decode blocks
// MLIR-NOT: link =
// MLIR-NOT: _ukernel

// BAD: for the --backend option: Cannot find option named 'hip'!

func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

func.func @odd_n(%x: tensor<1x1024xf16>, %w: tensor<128x202xi32>, %s: tensor<8x202xf16>, %i: tensor<1x202xf16>) -> tensor<1x202xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x1024xf16>, tensor<128x202xi32>, tensor<8x202xf16>) outs(%i : tensor<1x202xf16>) -> tensor<1x202xf16>
  return %0 : tensor<1x202xf16>
}
