// RUN: w4a16-opt %s --w4a16-permute-act-order --convert-w4a16-to-gpu --canonicalize --cse | FileCheck %s

// Act-order on the GPU: the activation permutation of a matmul is a gather
// kernel launched before the matmul's kernels (in each branch of a run-time
// M dispatch); the main kernel reads the gathered copy, the weights are the
// permuted ones (a host-side load-time step here: g_idx is a run-time value)
// and the decode kernel has no gather in its K loop.

// CHECK-LABEL: func.func @act_order
// CHECK: %[[PERM:.*]] = w4a16.act_order_perm %arg4 group_size 128 : tensor<512xi32>
// CHECK: %[[W:.*]] = w4a16.permute_k %arg1 by %[[PERM]] : tensor<64x256xi32>, tensor<512xi32>
// CHECK: %[[M:.*]] = tensor.dim %arg0, %c0 : tensor<?x512xf16>
// CHECK: %[[X:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK: %[[GATHERED:.*]] = memref.alloc(%[[M]]) : memref<?x512xf16>
// CHECK: %[[ELEMENTS:.*]] = arith.muli %[[M]], %c512 : index
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[ELEMENTS]], %c256 : index
// CHECK: %[[P:.*]] = bufferization.to_buffer %[[PERM]] read_only : tensor<512xi32> to memref<512xi32>
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_permute_k blocks in (%[[BLOCKS]], %c1, %c1) threads in (%c256, %c1, %c1) args(%[[X]] : memref<?x512xf16>, %[[P]] : memref<512xi32>, %[[GATHERED]] : memref<?x512xf16>, %[[M]] : index)
// CHECK-SAME: w4a16.arg_names = ["x", "perm", "out", "m"]
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_decode {{.*}} args(%[[GATHERED]] : memref<?x512xf16>, %[[WB]] : memref<64x256xi32>
// CHECK: gpu.launch_func @w4a16_kernels::@matmul_0_splitk_reduce
// CHECK: memref.dealloc %[[GATHERED]]
// CHECK-NOT: w4a16.permute_k

// out[r, c] = x[r, perm[c]], one thread per element.
// CHECK: gpu.func @matmul_0_decode
// CHECK-NOT: memref.load %{{.*}} : memref<512xi32>
// CHECK: gpu.func @matmul_0_permute_k(%[[KX:.*]]: memref<?x512xf16>, %[[KP:.*]]: memref<512xi32>, %[[KOUT:.*]]: memref<?x512xf16>, %[[KM:.*]]: index) kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// CHECK: %[[I:.*]] = arith.addi
// CHECK: %[[N:.*]] = arith.muli %[[KM]], %c512 : index
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[I]], %[[N]] : index
// CHECK: scf.if %[[IN]] {
// CHECK: %[[ROW:.*]] = arith.divui %[[I]], %c512 : index
// CHECK: %[[COL:.*]] = arith.remui %[[I]], %c512 : index
// CHECK: %[[SRC32:.*]] = memref.load %[[KP]][%[[COL]]] : memref<512xi32>
// CHECK: %[[SRC:.*]] = arith.index_castui %[[SRC32]] : i32 to index
// CHECK: %[[V:.*]] = memref.load %[[KX]][%[[ROW]], %[[SRC]]] : memref<?x512xf16>
// CHECK: memref.store %[[V]], %[[KOUT]][%[[ROW]], %[[COL]]] : memref<?x512xf16>
func.func @act_order(%x: tensor<?x512xf16>, %w: tensor<64x256xi32>, %s: tensor<4x256xf16>, %z: tensor<4x32xi32>, %g: tensor<512xi32>, %i: tensor<?x256xf16>) -> tensor<?x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed> ins(%x, %w, %s : tensor<?x512xf16>, tensor<64x256xi32>, tensor<4x256xf16>) zeros(%z : tensor<4x32xi32>) g_idx(%g : tensor<512xi32>) outs(%i : tensor<?x256xf16>) {w4a16.tilings = [#w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 8, tile_m = 8, tile_n = 128, tile_k = 64, split_k = 2, workgroup_size = 256, lds_bytes = 32768>]} -> tensor<?x256xf16>
  return %0 : tensor<?x256xf16>
}
