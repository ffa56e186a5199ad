// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=sm_90 --convert-w4a16-to-gpu | FileCheck %s --check-prefix=SM90
// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=gfx1100 --convert-w4a16-to-gpu | FileCheck %s --check-prefix=GFX11

// On NVIDIA the dot2 decode (and the matrix decode, mma-sync-decode.mlir)
// reads the packed weights with loads that do not allocate in L1
// (TargetInfo::decodeWeightsSkipL1), written as inline PTX that LLVM 22
// cannot otherwise emit; gfx11 keeps vector.load. Tiles cut by N keep the
// masked loads (the inline PTX has no mask).

// SM90-LABEL: gpu.func @matmul_0_decode
// SM90-NOT: vector.load %{{.*}} : memref<512x4096xi32>
// SM90: memref.extract_aligned_pointer_as_index %{{.*}} : memref<512x4096xi32> -> index
// SM90: llvm.inline_asm "ld.global.L1::no_allocate.v4.b32 {$0, $1, $2, $3}, [$4+0];", "=r,=r,=r,=r,l" %{{.*}} : (!llvm.ptr<1>) -> !llvm.struct<(i32, i32, i32, i32)>
// SM90-NOT: vector.load %{{.*}} : memref<512x4096xi32>
// SM90: gpu.return
// GFX11-LABEL: gpu.func @matmul_0_decode
// GFX11-NOT: inline_asm
// GFX11: vector.load %{{.*}} : memref<512x4096xi32>, vector<4xi32>
// GFX11-NOT: inline_asm
// GFX11: gpu.return
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}

// SM90-LABEL: gpu.func @matmul_1_decode
// SM90-NOT: inline_asm
// SM90: vector.maskedload %{{.*}} : memref<64x200xi32>, vector<4xi1>, vector<4xi32> into vector<4xi32>
// SM90-NOT: inline_asm
// SM90: gpu.return
func.func @decode_partial_tile(%x: tensor<1x512xf16>, %w: tensor<64x200xi32>, %s: tensor<4x200xf16>, %i: tensor<1x200xf16>) -> tensor<1x200xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x512xf16>, tensor<64x200xi32>, tensor<4x200xf16>) outs(%i : tensor<1x200xf16>) -> tensor<1x200xf16>
  return %0 : tensor<1x200xf16>
}
