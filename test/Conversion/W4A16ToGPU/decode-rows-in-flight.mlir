// RUN: w4a16-opt %s --w4a16-tile-matmul=chipset=sm_90 --convert-w4a16-to-gpu | FileCheck %s

// On NVIDIA the tiler asks for 4 packed rows per warp and iteration
// (TargetInfo::decodeRowsInFlight; tile_k = 8 warps x 4 rows x 8 = 256):
// the row loop steps by 4 and issues the 4 rows' 16-byte weight loads
// (one address, each row at an immediate offset of 4096 x 4 bytes) before
// the first dot2 uses one of them. gfx1100 keeps one row per iteration
// (decode.mlir, decode-isa.mlir).

// CHECK-LABEL: gpu.func @matmul_0_decode
// CHECK: %[[BASE:.*]] = llvm.addrspacecast %{{.*}} : !llvm.ptr to !llvm.ptr<1>
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step %c4{{(_[0-9]+)?}} iter_args
// CHECK-NOT: fdot2
// CHECK: %[[WORD:.*]] = arith.muli %[[ROW]], %{{.*}} : index
// CHECK: %[[ADDR:.*]] = llvm.getelementptr %[[BASE]][%{{.*}}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i8
// CHECK-NOT: fdot2
// CHECK: llvm.inline_asm "ld.global.L1::no_allocate.v4.b32 {$0, $1, $2, $3}, [$4+0];", "=r,=r,=r,=r,l" %[[ADDR]]
// CHECK-NOT: fdot2
// CHECK: llvm.inline_asm "{{.*}}[$4+16384];", {{.*}} %[[ADDR]]
// CHECK-NOT: fdot2
// CHECK: llvm.inline_asm "{{.*}}[$4+32768];", {{.*}} %[[ADDR]]
// CHECK-NOT: fdot2
// CHECK: llvm.inline_asm "{{.*}}[$4+49152];", {{.*}} %[[ADDR]]
// CHECK-NOT: inline_asm
// CHECK: llvm.amdgcn.fdot2
// CHECK-NOT: inline_asm
// CHECK: scf.yield
func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
