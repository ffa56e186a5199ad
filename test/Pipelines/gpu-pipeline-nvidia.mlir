// RUN: w4a16-opt %s --w4a16-gpu-pipeline="backend=mlir chipset=gfx1100 emulate=sm_90 format=isa" | FileCheck %s --check-prefixes=PTX,EMU
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=sm_90 format=isa" | FileCheck %s --check-prefixes=PTX,SM90
// RUN: w4a16-opt %s --w4a16-gpu-pipeline="chipset=sm_80 format=isa" | FileCheck %s --check-prefix=SM80
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 emulate=gfx1101" 2>&1 | FileCheck %s --check-prefix=NOT-NVIDIA
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=sm_80 emulate=sm_90" 2>&1 | FileCheck %s --check-prefix=NOT-GFX11
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1100 emulate=sm_70" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not w4a16-opt %s --w4a16-gpu-pipeline="chipset=gfx1200 emulate=sm_90" 2>&1 | FileCheck %s --check-prefix=RDNA4

// emulate: tiled for gfx1100 (split_k from its 96 CUs), then the AMD ops
// emulated and lowered through NVVM to PTX for sm_90.
// EMU: w4a16.tiling = #w4a16.tiling<strategy = decode, chip = "gfx1100", {{.*}} split_k = 4,
// Native sm_90: the same kernels tiled for its 132 SMs.
// SM90: w4a16.tiling = #w4a16.tiling<strategy = decode, chip = "sm_90", {{.*}} split_k = 16,
// PTX: gpu.binary @w4a16_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90">, {{.*}}assembly = "
// PTX-SAME: .target sm_90
// PTX-SAME: .visible .global .align 4 .u32 w4a16_emulation_error;
// PTX-SAME: .visible .entry matmul_0_decode(
// PTX-SAME: .shared .align 16 .b8 __wg_matmul_0_decode_0[4096];
// sm_90 launches the reduce as a dependent launch: the main kernel lets it
// be scheduled from its start, the reduce waits for the main kernel's
// results first. The gfx11 kernels (emulated) and sm_80 have neither.
// SM90-SAME: griddepcontrol.launch_dependents;
// EMU-NOT: griddepcontrol
// PTX-SAME: fma.rn.f32
// PTX-SAME: .visible .entry matmul_0_splitk_reduce(
// SM90-SAME: griddepcontrol.wait;
// EMU-NOT: griddepcontrol
// SM80: #w4a16.tiling<strategy = decode, chip = "sm_80",
// SM80: #nvvm.target<O = 3, chip = "sm_80">, {{.*}}.target sm_80
// SM80-NOT: griddepcontrol

// NOT-NVIDIA: error: emulate='gfx1101' runs kernels built for a gfx11 chipset on an NVIDIA chip; chipset='gfx1100' and emulate='gfx1101' are not such a pair
// NOT-GFX11: error: emulate='sm_90' runs kernels built for a gfx11 chipset on an NVIDIA chip; chipset='sm_80' and emulate='sm_90' are not such a pair
// UNKNOWN: error: emulate: unsupported chip 'sm_70'; supported: gfx1100, gfx1101, gfx1102, gfx1103, gfx1150, gfx1151, sm_80, sm_90
// RDNA4: error: chip 'gfx1200': RDNA4 (gfx12) WMMA uses a different operand layout and is not supported yet
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
