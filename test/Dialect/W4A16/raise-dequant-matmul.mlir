// Each recognised form of a W4A16 linear, in the shapes torch-mlir emits, is
// replaced by w4a16.matmul with the right scheme; operands are the original
// tensors when their layout already is the dialect's. Generated with
// test/lib/quant_linalg_ir.py (K = 64, N = 16, groups of 32); execution
// equivalence is in test/Integration/CPU/raise-dequant-matmul.py.

// RUN: w4a16-opt %s --w4a16-raise-dequant-matmul | FileCheck %s
// RUN: w4a16-opt %s --w4a16-raise-dequant-matmul | w4a16-opt --w4a16-raise-dequant-matmul=explain -verify-diagnostics | FileCheck %s --check-prefix=IDEMPOTENT
// RUN: w4a16-opt %s --w4a16-torch-cpu-pipeline | FileCheck %s --check-prefix=PIPELINE

// IDEMPOTENT-COUNT-7: w4a16.matmul
// PIPELINE-NOT: w4a16.
// PIPELINE-NOT: linalg.
// PIPELINE: llvm.func @custom_quant_i4

// CHECK-LABEL: func.func @gptq_symmetric(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x64xf16>, %[[Q:[a-z0-9]+]]: tensor<8x16xi32>, %[[S:[a-z0-9]+]]: tensor<2x16xf16>
// CHECK-NOT: arith.shrsi
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[Y:.*]] = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
// CHECK-SAME: ins(%[[X]], %[[Q]], %[[S]] : tensor<?x64xf16>, tensor<8x16xi32>, tensor<2x16xf16>) outs(%[[INIT]] : tensor<?x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[Y]] : tensor<?x16xf32>)
// CHECK: arith.truncf
// CHECK-NOT: linalg.matmul
// GPTQ, symmetric (zero 8), f32 accumulator and truncf.
func.func @gptq_symmetric(%x: tensor<?x64xf16>, %qweight: tensor<8x16xi32>, %scales: tensor<2x16xf16>) -> (tensor<?x16xf16>) {
  %shifts1 = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<8x8x16xi32>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<8x16xi32>, tensor<8xi32>) outs(%e2 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %a1: i32, %out: i32):
    %s = arith.shrsi %a0, %a1 : i32
    linalg.yield %s : i32
  } -> tensor<8x8x16xi32>
  %e4 = tensor.empty() : tensor<8x8x16xi32>
  %t5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t3 : tensor<8x8x16xi32>) outs(%e4 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %out: i32):
    %mask = arith.constant 15 : i32
    %and = arith.andi %a0, %mask : i32
    linalg.yield %and : i32
  } -> tensor<8x8x16xi32>
  %t6 = tensor.collapse_shape %t5 [[0, 1], [2]] : tensor<8x8x16xi32> into tensor<64x16xi32>
  %e7 = tensor.empty() : tensor<64x16xf16>
  %t8 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t6 : tensor<64x16xi32>) outs(%e7 : tensor<64x16xf16>) {
  ^bb0(%a0: i32, %out: f16):
    %f = arith.sitofp %a0 : i32 to f16
    linalg.yield %f : f16
  } -> tensor<64x16xf16>
  %t9 = tensor.expand_shape %t8 [[0, 1], [2]] output_shape [2, 32, 16] : tensor<64x16xf16> into tensor<2x32x16xf16>
  %e10 = tensor.empty() : tensor<2x32x16xf16>
  %t11 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t9, %scales : tensor<2x32x16xf16>, tensor<2x16xf16>) outs(%e10 : tensor<2x32x16xf16>) {
  ^bb0(%a0: f16, %a1: f16, %out: f16):
    %z = arith.constant 8.0 : f16
    %d = arith.subf %a0, %z : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<2x32x16xf16>
  %t12 = tensor.collapse_shape %t11 [[0, 1], [2]] : tensor<2x32x16xf16> into tensor<64x16xf16>
  %zero13 = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xf16>
  %e14 = tensor.empty(%rows) : tensor<?x16xf32>
  %init15 = linalg.fill ins(%zero13 : f32) outs(%e14 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %mm16 = linalg.matmul ins(%x, %t12 : tensor<?x64xf16>, tensor<64x16xf16>) outs(%init15 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %e17 = tensor.empty(%rows) : tensor<?x16xf16>
  %t18 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm16 : tensor<?x16xf32>) outs(%e17 : tensor<?x16xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<?x16xf16>
  return %t18 : tensor<?x16xf16>
}

// CHECK-LABEL: func.func @gptq_v1_f32_bias(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x64xf16>, %[[Q:[a-z0-9]+]]: tensor<8x16xi32>, %[[S:[a-z0-9]+]]: tensor<2x16xf16>, %[[Z:[a-z0-9]+]]: tensor<2x2xi32>, %[[B:[a-z0-9]+]]: tensor<16xf16>
// CHECK: %[[Y:.*]] = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed, gptq_v1 = true>
// CHECK-SAME: ins(%[[X]], %[[Q]], %[[S]] : {{.*}}) zeros(%[[Z]] : tensor<2x2xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %[[B]] : tensor<?x16xf32>, tensor<16xf16>)
// CHECK: arith.truncf
// CHECK: arith.addf
// GPTQ v1 packed zeros (+1), dequant in f32, bias added after.
func.func @gptq_v1_f32_bias(%x: tensor<?x64xf16>, %qweight: tensor<8x16xi32>, %scales: tensor<2x16xf16>, %qzeros: tensor<2x2xi32>, %bias: tensor<16xf16>) -> (tensor<?x16xf16>) {
  %shifts1 = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<8x8x16xi32>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<8x16xi32>, tensor<8xi32>) outs(%e2 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %a1: i32, %out: i32):
    %s = arith.shrsi %a0, %a1 : i32
    linalg.yield %s : i32
  } -> tensor<8x8x16xi32>
  %e4 = tensor.empty() : tensor<8x8x16xi32>
  %t5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t3 : tensor<8x8x16xi32>) outs(%e4 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %out: i32):
    %mask = arith.constant 15 : i32
    %and = arith.andi %a0, %mask : i32
    linalg.yield %and : i32
  } -> tensor<8x8x16xi32>
  %t6 = tensor.collapse_shape %t5 [[0, 1], [2]] : tensor<8x8x16xi32> into tensor<64x16xi32>
  %e7 = tensor.empty() : tensor<64x16xf32>
  %t8 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t6 : tensor<64x16xi32>) outs(%e7 : tensor<64x16xf32>) {
  ^bb0(%a0: i32, %out: f32):
    %f = arith.sitofp %a0 : i32 to f32
    linalg.yield %f : f32
  } -> tensor<64x16xf32>
  %e9 = tensor.empty() : tensor<2x2x8xf32>
  %t10 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qzeros, %shifts1 : tensor<2x2xi32>, tensor<8xi32>) outs(%e9 : tensor<2x2x8xf32>) {
  ^bb0(%a0: i32, %a1: i32, %out: f32):
    %s = arith.shrsi %a0, %a1 : i32
    %mask = arith.constant 15 : i32
    %and = arith.andi %s, %mask : i32
    %one = arith.constant 1 : i32
    %plus = arith.addi %and, %one : i32
    %zf = arith.sitofp %plus : i32 to f32
    linalg.yield %zf : f32
  } -> tensor<2x2x8xf32>
  %t11 = tensor.collapse_shape %t10 [[0], [1, 2]] : tensor<2x2x8xf32> into tensor<2x16xf32>
  %t12 = tensor.expand_shape %t8 [[0, 1], [2]] output_shape [2, 32, 16] : tensor<64x16xf32> into tensor<2x32x16xf32>
  %e13 = tensor.empty() : tensor<2x32x16xf32>
  %t14 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t12, %scales, %t11 : tensor<2x32x16xf32>, tensor<2x16xf16>, tensor<2x16xf32>) outs(%e13 : tensor<2x32x16xf32>) {
  ^bb0(%a0: f32, %a1: f16, %a2: f32, %out: f32):
    %cast_a1 = arith.extf %a1 : f16 to f32
    %d = arith.subf %a0, %a2 : f32
    %w = arith.mulf %d, %cast_a1 : f32
    linalg.yield %w : f32
  } -> tensor<2x32x16xf32>
  %t15 = tensor.collapse_shape %t14 [[0, 1], [2]] : tensor<2x32x16xf32> into tensor<64x16xf32>
  %e16 = tensor.empty() : tensor<64x16xf16>
  %t17 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t15 : tensor<64x16xf32>) outs(%e16 : tensor<64x16xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<64x16xf16>
  %zero18 = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xf16>
  %e19 = tensor.empty(%rows) : tensor<?x16xf32>
  %init20 = linalg.fill ins(%zero18 : f32) outs(%e19 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %mm21 = linalg.matmul ins(%x, %t17 : tensor<?x64xf16>, tensor<64x16xf16>) outs(%init20 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %e22 = tensor.empty(%rows) : tensor<?x16xf16>
  %t23 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm21, %bias : tensor<?x16xf32>, tensor<16xf16>) outs(%e22 : tensor<?x16xf16>) {
  ^bb0(%a0: f32, %a1: f16, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    %b = arith.addf %cast_a0, %a1 : f16
    linalg.yield %b : f16
  } -> tensor<?x16xf16>
  return %t23 : tensor<?x16xf16>
}

// CHECK-LABEL: func.func @gptq_per_channel_matvec(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<64xf16>, %[[Q:[a-z0-9]+]]: tensor<8x16xi32>, %[[S:[a-z0-9]+]]: tensor<1x16xf16>
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<16xf32>
// CHECK: %[[X2:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1]] output_shape [1, 64]
// CHECK: %[[INIT2:.*]] = tensor.expand_shape %[[INIT]] {{\[\[}}0, 1]] output_shape [1, 16]
// CHECK: %[[Y:.*]] = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = none>
// CHECK-SAME: ins(%[[X2]], %[[Q]], %[[S]] : tensor<1x64xf16>, tensor<8x16xi32>, tensor<1x16xf16>) outs(%[[INIT2]] : tensor<1x16xf32>)
// CHECK: tensor.collapse_shape %[[Y]] {{\[\[}}0, 1]] : tensor<1x16xf32> into tensor<16xf32>
// CHECK-NOT: linalg.matvec
// CHECK-NOT: linalg.transpose
// per-channel scales, no zero point, linalg.matvec over the transposed weights.
func.func @gptq_per_channel_matvec(%x: tensor<64xf16>, %qweight: tensor<8x16xi32>, %scales: tensor<1x16xf16>) -> (tensor<16xf16>) {
  %shifts1 = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<8x8x16xi32>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<8x16xi32>, tensor<8xi32>) outs(%e2 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %a1: i32, %out: i32):
    %s = arith.shrsi %a0, %a1 : i32
    linalg.yield %s : i32
  } -> tensor<8x8x16xi32>
  %e4 = tensor.empty() : tensor<8x8x16xi32>
  %t5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t3 : tensor<8x8x16xi32>) outs(%e4 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %out: i32):
    %mask = arith.constant 15 : i32
    %and = arith.andi %a0, %mask : i32
    linalg.yield %and : i32
  } -> tensor<8x8x16xi32>
  %t6 = tensor.collapse_shape %t5 [[0, 1], [2]] : tensor<8x8x16xi32> into tensor<64x16xi32>
  %e7 = tensor.empty() : tensor<64x16xf16>
  %t8 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t6 : tensor<64x16xi32>) outs(%e7 : tensor<64x16xf16>) {
  ^bb0(%a0: i32, %out: f16):
    %f = arith.sitofp %a0 : i32 to f16
    linalg.yield %f : f16
  } -> tensor<64x16xf16>
  %t9 = tensor.expand_shape %t8 [[0, 1], [2]] output_shape [1, 64, 16] : tensor<64x16xf16> into tensor<1x64x16xf16>
  %e10 = tensor.empty() : tensor<1x64x16xf16>
  %t11 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t9, %scales : tensor<1x64x16xf16>, tensor<1x16xf16>) outs(%e10 : tensor<1x64x16xf16>) {
  ^bb0(%a0: f16, %a1: f16, %out: f16):
    %w = arith.mulf %a0, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<1x64x16xf16>
  %t12 = tensor.collapse_shape %t11 [[0, 1], [2]] : tensor<1x64x16xf16> into tensor<64x16xf16>
  %zero13 = arith.constant 0.0 : f32
  %e14 = tensor.empty() : tensor<16xf32>
  %init15 = linalg.fill ins(%zero13 : f32) outs(%e14 : tensor<16xf32>) -> tensor<16xf32>
  %e17 = tensor.empty() : tensor<16x64xf16>
  %wt18 = linalg.transpose ins(%t12 : tensor<64x16xf16>) outs(%e17 : tensor<16x64xf16>) permutation = [1, 0]
  %mm16 = linalg.matvec ins(%wt18, %x : tensor<16x64xf16>, tensor<64xf16>) outs(%init15 : tensor<16xf32>) -> tensor<16xf32>
  %e19 = tensor.empty() : tensor<16xf16>
  %t20 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%mm16 : tensor<16xf32>) outs(%e19 : tensor<16xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<16xf16>
  return %t20 : tensor<16xf16>
}

// CHECK-LABEL: func.func @awq_transposed(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x64xf16>, %[[Q:[a-z0-9]+]]: tensor<64x2xi32>, %[[S:[a-z0-9]+]]: tensor<2x16xf16>, %[[Z:[a-z0-9]+]]: tensor<2x2xi32>
// CHECK-NOT: linalg.transpose
// CHECK: %[[Y:.*]] = w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = packed>
// CHECK-SAME: ins(%[[X]], %[[Q]], %[[S]] : {{.*}}) zeros(%[[Z]] : tensor<2x2xi32>) outs(%{{.*}} : tensor<?x16xf16>)
// CHECK-NEXT: return %[[Y]]
// AWQ packed zeros, shrui, linalg.transpose + matmul with transposed indexing_maps, f16 accumulator.
func.func @awq_transposed(%x: tensor<?x64xf16>, %qweight: tensor<64x2xi32>, %scales: tensor<2x16xf16>, %qzeros: tensor<2x2xi32>) -> (tensor<?x16xf16>) {
  %shifts1 = arith.constant dense<[0, 16, 4, 20, 8, 24, 12, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<64x2x8xi32>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<64x2xi32>, tensor<8xi32>) outs(%e2 : tensor<64x2x8xi32>) {
  ^bb0(%a0: i32, %a1: i32, %out: i32):
    %s = arith.shrui %a0, %a1 : i32
    %mask = arith.constant 15 : i32
    %and = arith.andi %s, %mask : i32
    linalg.yield %and : i32
  } -> tensor<64x2x8xi32>
  %t4 = tensor.collapse_shape %t3 [[0], [1, 2]] : tensor<64x2x8xi32> into tensor<64x16xi32>
  %e5 = tensor.empty() : tensor<64x16xf16>
  %t6 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t4 : tensor<64x16xi32>) outs(%e5 : tensor<64x16xf16>) {
  ^bb0(%a0: i32, %out: f16):
    %f = arith.uitofp %a0 : i32 to f16
    linalg.yield %f : f16
  } -> tensor<64x16xf16>
  %e7 = tensor.empty() : tensor<2x2x8xf16>
  %t8 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qzeros, %shifts1 : tensor<2x2xi32>, tensor<8xi32>) outs(%e7 : tensor<2x2x8xf16>) {
  ^bb0(%a0: i32, %a1: i32, %out: f16):
    %s = arith.shrui %a0, %a1 : i32
    %mask = arith.constant 15 : i32
    %and = arith.andi %s, %mask : i32
    %zf = arith.uitofp %and : i32 to f16
    linalg.yield %zf : f16
  } -> tensor<2x2x8xf16>
  %t9 = tensor.collapse_shape %t8 [[0], [1, 2]] : tensor<2x2x8xf16> into tensor<2x16xf16>
  %t10 = tensor.expand_shape %t6 [[0, 1], [2]] output_shape [2, 32, 16] : tensor<64x16xf16> into tensor<2x32x16xf16>
  %e11 = tensor.empty() : tensor<2x32x16xf16>
  %t12 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t10, %scales, %t9 : tensor<2x32x16xf16>, tensor<2x16xf16>, tensor<2x16xf16>) outs(%e11 : tensor<2x32x16xf16>) {
  ^bb0(%a0: f16, %a1: f16, %a2: f16, %out: f16):
    %d = arith.subf %a0, %a2 : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<2x32x16xf16>
  %t13 = tensor.collapse_shape %t12 [[0, 1], [2]] : tensor<2x32x16xf16> into tensor<64x16xf16>
  %zero14 = arith.constant 0.0 : f16
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xf16>
  %e15 = tensor.empty(%rows) : tensor<?x16xf16>
  %init16 = linalg.fill ins(%zero14 : f16) outs(%e15 : tensor<?x16xf16>) -> tensor<?x16xf16>
  %e18 = tensor.empty() : tensor<16x64xf16>
  %wt19 = linalg.transpose ins(%t13 : tensor<64x16xf16>) outs(%e18 : tensor<16x64xf16>) permutation = [1, 0]
  %mm17 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %wt19 : tensor<?x64xf16>, tensor<16x64xf16>) outs(%init16 : tensor<?x16xf16>) -> tensor<?x16xf16>
  return %mm17 : tensor<?x16xf16>
}

// CHECK-LABEL: func.func @awq_float_zeros_batch(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x?x64xf16>, %[[Q:[a-z0-9]+]]: tensor<64x2xi32>, %[[S:[a-z0-9]+]]: tensor<2x16xf16>, %[[Z:[a-z0-9]+]]: tensor<2x16xf16>
// CHECK: w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = float>
// CHECK-SAME: ins(%[[X]], %[[Q]], %[[S]] : tensor<2x?x64xf16>, {{.*}}) zeros(%[[Z]] : tensor<2x16xf16>) outs(%{{.*}} : tensor<2x?x16xf32>)
// CHECK-NOT: linalg.batch_matmul
// AWQ with float zeros, weights broadcast to linalg.batch_matmul.
func.func @awq_float_zeros_batch(%x: tensor<2x?x64xf16>, %qweight: tensor<64x2xi32>, %scales: tensor<2x16xf16>, %zeros: tensor<2x16xf16>) -> (tensor<2x?x16xf16>) {
  %shifts1 = arith.constant dense<[0, 16, 4, 20, 8, 24, 12, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<64x2x8xi32>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<64x2xi32>, tensor<8xi32>) outs(%e2 : tensor<64x2x8xi32>) {
  ^bb0(%a0: i32, %a1: i32, %out: i32):
    %s = arith.shrsi %a0, %a1 : i32
    %mask = arith.constant 15 : i32
    %and = arith.andi %s, %mask : i32
    linalg.yield %and : i32
  } -> tensor<64x2x8xi32>
  %t4 = tensor.collapse_shape %t3 [[0], [1, 2]] : tensor<64x2x8xi32> into tensor<64x16xi32>
  %e5 = tensor.empty() : tensor<64x16xf16>
  %t6 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t4 : tensor<64x16xi32>) outs(%e5 : tensor<64x16xf16>) {
  ^bb0(%a0: i32, %out: f16):
    %f = arith.sitofp %a0 : i32 to f16
    linalg.yield %f : f16
  } -> tensor<64x16xf16>
  %t7 = tensor.expand_shape %t6 [[0, 1], [2]] output_shape [2, 32, 16] : tensor<64x16xf16> into tensor<2x32x16xf16>
  %e8 = tensor.empty() : tensor<2x32x16xf16>
  %t9 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t7, %scales, %zeros : tensor<2x32x16xf16>, tensor<2x16xf16>, tensor<2x16xf16>) outs(%e8 : tensor<2x32x16xf16>) {
  ^bb0(%a0: f16, %a1: f16, %a2: f16, %out: f16):
    %d = arith.subf %a0, %a2 : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<2x32x16xf16>
  %t10 = tensor.collapse_shape %t9 [[0, 1], [2]] : tensor<2x32x16xf16> into tensor<64x16xf16>
  %zero11 = arith.constant 0.0 : f32
  %c1 = arith.constant 1 : index
  %rows = tensor.dim %x, %c1 : tensor<2x?x64xf16>
  %e12 = tensor.empty(%rows) : tensor<2x?x16xf32>
  %init13 = linalg.fill ins(%zero11 : f32) outs(%e12 : tensor<2x?x16xf32>) -> tensor<2x?x16xf32>
  %e15 = tensor.empty() : tensor<2x64x16xf16>
  %t16 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t10 : tensor<64x16xf16>) outs(%e15 : tensor<2x64x16xf16>) {
  ^bb0(%a0: f16, %out: f16):
    linalg.yield %a0 : f16
  } -> tensor<2x64x16xf16>
  %mm14 = linalg.batch_matmul ins(%x, %t16 : tensor<2x?x64xf16>, tensor<2x64x16xf16>) outs(%init13 : tensor<2x?x16xf32>) -> tensor<2x?x16xf32>
  %e17 = tensor.empty(%rows) : tensor<2x?x16xf16>
  %t18 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%mm14 : tensor<2x?x16xf32>) outs(%e17 : tensor<2x?x16xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<2x?x16xf16>
  return %t18 : tensor<2x?x16xf16>
}

// CHECK-LABEL: func.func @bf16_bf16_arith(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x64xbf16>, %[[Q:[a-z0-9]+]]: tensor<8x16xi32>, %[[S:[a-z0-9]+]]: tensor<2x16xbf16>, %[[Z:[a-z0-9]+]]: tensor<2x2xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed>
// CHECK-SAME: ins(%[[X]], %[[Q]], %[[S]] : {{.*}}) zeros(%[[Z]] : tensor<2x2xi32>) outs(%{{.*}} : tensor<?x16xbf16>)
// bf16 activations, dequant and accumulation in bf16.
func.func @bf16_bf16_arith(%x: tensor<?x64xbf16>, %qweight: tensor<8x16xi32>, %scales: tensor<2x16xbf16>, %qzeros: tensor<2x2xi32>) -> (tensor<?x16xbf16>) {
  %shifts1 = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<8x8x16xi32>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<8x16xi32>, tensor<8xi32>) outs(%e2 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %a1: i32, %out: i32):
    %s = arith.shrsi %a0, %a1 : i32
    linalg.yield %s : i32
  } -> tensor<8x8x16xi32>
  %e4 = tensor.empty() : tensor<8x8x16xi32>
  %t5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t3 : tensor<8x8x16xi32>) outs(%e4 : tensor<8x8x16xi32>) {
  ^bb0(%a0: i32, %out: i32):
    %mask = arith.constant 15 : i32
    %and = arith.andi %a0, %mask : i32
    linalg.yield %and : i32
  } -> tensor<8x8x16xi32>
  %t6 = tensor.collapse_shape %t5 [[0, 1], [2]] : tensor<8x8x16xi32> into tensor<64x16xi32>
  %e7 = tensor.empty() : tensor<64x16xbf16>
  %t8 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t6 : tensor<64x16xi32>) outs(%e7 : tensor<64x16xbf16>) {
  ^bb0(%a0: i32, %out: bf16):
    %f = arith.sitofp %a0 : i32 to bf16
    linalg.yield %f : bf16
  } -> tensor<64x16xbf16>
  %e9 = tensor.empty() : tensor<2x2x8xbf16>
  %t10 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qzeros, %shifts1 : tensor<2x2xi32>, tensor<8xi32>) outs(%e9 : tensor<2x2x8xbf16>) {
  ^bb0(%a0: i32, %a1: i32, %out: bf16):
    %s = arith.shrsi %a0, %a1 : i32
    %mask = arith.constant 15 : i32
    %and = arith.andi %s, %mask : i32
    %zf = arith.sitofp %and : i32 to bf16
    linalg.yield %zf : bf16
  } -> tensor<2x2x8xbf16>
  %t11 = tensor.collapse_shape %t10 [[0], [1, 2]] : tensor<2x2x8xbf16> into tensor<2x16xbf16>
  %t12 = tensor.expand_shape %t8 [[0, 1], [2]] output_shape [2, 32, 16] : tensor<64x16xbf16> into tensor<2x32x16xbf16>
  %e13 = tensor.empty() : tensor<2x32x16xbf16>
  %t14 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t12, %scales, %t11 : tensor<2x32x16xbf16>, tensor<2x16xbf16>, tensor<2x16xbf16>) outs(%e13 : tensor<2x32x16xbf16>) {
  ^bb0(%a0: bf16, %a1: bf16, %a2: bf16, %out: bf16):
    %d = arith.subf %a0, %a2 : bf16
    %w = arith.mulf %d, %a1 : bf16
    linalg.yield %w : bf16
  } -> tensor<2x32x16xbf16>
  %t15 = tensor.collapse_shape %t14 [[0, 1], [2]] : tensor<2x32x16xbf16> into tensor<64x16xbf16>
  %zero16 = arith.constant 0.0 : bf16
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xbf16>
  %e17 = tensor.empty(%rows) : tensor<?x16xbf16>
  %init18 = linalg.fill ins(%zero16 : bf16) outs(%e17 : tensor<?x16xbf16>) -> tensor<?x16xbf16>
  %mm19 = linalg.matmul ins(%x, %t15 : tensor<?x64xbf16>, tensor<64x16xbf16>) outs(%init18 : tensor<?x16xbf16>) -> tensor<?x16xbf16>
  return %mm19 : tensor<?x16xbf16>
}

// CHECK-LABEL: func.func @custom_quant_i4(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x2x64xf16>, %[[W:[a-z0-9]+]]: tensor<16x2x32xi4>, %[[S:[a-z0-9]+]]: tensor<16x2x1xf16>, %[[Z:[a-z0-9]+]]: tensor<16x2x1xf16>
// The i4 values are packed into GPTQ words, scales and zeros transposed to [groups, N].
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<8x16xi32>)
// CHECK-COUNT-8: tensor.extract %[[W]]
// CHECK: %[[S2:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x16xf16>)
// CHECK: tensor.extract %[[S]]
// CHECK: %[[Z2:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x16xf16>)
// CHECK: tensor.extract %[[Z]]
// CHECK: %[[X2:.*]] = tensor.collapse_shape {{.*}} : tensor<1x2x2x32xf16> into tensor<1x2x64xf16>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float>
// CHECK-SAME: ins(%[[X2]], %[[Q]], %[[S2]] : tensor<1x2x64xf16>, tensor<8x16xi32>, tensor<2x16xf16>) zeros(%[[Z2]] : tensor<2x16xf16>) outs(%{{.*}} : tensor<1x2x16xf16>)
// CHECK-NOT: reduction
// torch-mlir's quant.matmul_rhs_group_quant: i4 [N, K/G, G] weights, f16
// zeros and scales [N, K/G, 1], 5-D contraction accumulating in f16.
func.func @custom_quant_i4(%x: tensor<1x2x64xf16>, %weights: tensor<16x2x32xi4>, %scales: tensor<16x2x1xf16>, %zeros: tensor<16x2x1xf16>) -> tensor<1x2x16xf16> {
  %e1 = tensor.empty() : tensor<16x2x32xf16>
  %t2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%weights, %scales, %zeros : tensor<16x2x32xi4>, tensor<16x2x1xf16>, tensor<16x2x1xf16>) outs(%e1 : tensor<16x2x32xf16>) {
  ^bb0(%a0: i4, %a1: f16, %a2: f16, %out: f16):
    %i = arith.extui %a0 : i4 to i32
    %f = arith.uitofp %i : i32 to f16
    %d = arith.subf %f, %a2 : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<16x2x32xf16>
  %x3 = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [1, 2, 2, 32] : tensor<1x2x64xf16> into tensor<1x2x2x32xf16>
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<1x2x16xf16>
  %init = linalg.fill ins(%zero : f16) outs(%empty : tensor<1x2x16xf16>) -> tensor<1x2x16xf16>
  %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x3, %t2 : tensor<1x2x2x32xf16>, tensor<16x2x32xf16>) outs(%init : tensor<1x2x16xf16>) {
  ^bb0(%in: f16, %wt: f16, %out: f16):
    %p = arith.mulf %in, %wt : f16
    %s = arith.addf %out, %p : f16
    linalg.yield %s : f16
  } -> tensor<1x2x16xf16>
  return %mm : tensor<1x2x16xf16>
}
