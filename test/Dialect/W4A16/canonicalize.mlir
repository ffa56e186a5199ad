// RUN: w4a16-opt %s --canonicalize | FileCheck %s

// A matmul of no rows (a static zero M or batch dimension) is its init.

// CHECK-LABEL: func.func @no_rows
// CHECK-NOT: w4a16.matmul
// CHECK: return %arg3
func.func @no_rows(%x: tensor<0x1024xf16>, %w: tensor<128x256xi32>, %s: tensor<8x256xf16>, %i: tensor<0x256xf16>) -> tensor<0x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<0x1024xf16>, tensor<128x256xi32>, tensor<8x256xf16>) outs(%i : tensor<0x256xf16>) -> tensor<0x256xf16>
  return %0 : tensor<0x256xf16>
}

// CHECK-LABEL: func.func @no_batches
// CHECK-NOT: w4a16.matmul
// CHECK: return %arg3
func.func @no_batches(%x: tensor<0x?x1024xf16>, %w: tensor<128x256xi32>, %s: tensor<8x256xf16>, %i: tensor<0x?x256xf32>) -> tensor<0x?x256xf32> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<0x?x1024xf16>, tensor<128x256xi32>, tensor<8x256xf16>) outs(%i : tensor<0x?x256xf32>) -> tensor<0x?x256xf32>
  return %0 : tensor<0x?x256xf32>
}

// A dynamic M may have rows.
// CHECK-LABEL: func.func @dynamic_rows
// CHECK: w4a16.matmul
func.func @dynamic_rows(%x: tensor<?x1024xf16>, %w: tensor<128x256xi32>, %s: tensor<8x256xf16>, %i: tensor<?x256xf16>) -> tensor<?x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x1024xf16>, tensor<128x256xi32>, tensor<8x256xf16>) outs(%i : tensor<?x256xf16>) -> tensor<?x256xf16>
  return %0 : tensor<?x256xf16>
}
