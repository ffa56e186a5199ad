// AutoGPTQ's integer-domain zero subtraction, act-order gathers (torch
// `scales[g_idx]`) and torch-mlir's custom op on unpacked ui8 weights are
// raised to w4a16.matmul. Generated with test/lib/quant_linalg_ir.py (K = 64,
// N = 16, groups of 32); execution equivalence is in
// test/Integration/CPU/raise-dequant-matmul.py.

// RUN: w4a16-opt %s --w4a16-raise-dequant-matmul | FileCheck %s
// RUN: w4a16-opt %s --w4a16-raise-dequant-matmul | w4a16-opt --w4a16-raise-dequant-matmul=explain -verify-diagnostics | FileCheck %s --check-prefix=IDEMPOTENT

// IDEMPOTENT-COUNT-6: w4a16.matmul

// CHECK-LABEL: func.func @int_zero_v1(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x64xf16>, %[[Q:[a-z0-9]+]]: tensor<8x16xi32>, %[[S:[a-z0-9]+]]: tensor<2x16xf16>, %[[Z:[a-z0-9]+]]: tensor<2x2xi32>
// CHECK-NOT: arith.subi
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed, gptq_v1 = true>
// CHECK-SAME: ins(%[[X]], %[[Q]], %[[S]] : {{.*}}) zeros(%[[Z]] : tensor<2x2xi32>) outs(
// AutoGPTQ: nibbles truncated to i8, masked, zero + 1, q - z in i8, sitofp.
func.func @int_zero_v1(%x: tensor<?x64xf16>, %qweight: tensor<8x16xi32>, %scales: tensor<2x16xf16>, %qzeros: tensor<2x2xi32>) -> (tensor<?x16xf16>) {
  %shifts1 = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<8x8x16xi8>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<8x16xi32>, tensor<8xi32>) outs(%e2 : tensor<8x8x16xi8>) {
  ^bb0(%a0: i32, %a1: i32, %out: i8):
    %s = arith.shrsi %a0, %a1 : i32
    %s8 = arith.trunci %s : i32 to i8
    %mask = arith.constant 15 : i8
    %and = arith.andi %s8, %mask : i8
    linalg.yield %and : i8
  } -> tensor<8x8x16xi8>
  %t4 = tensor.collapse_shape %t3 [[0, 1], [2]] : tensor<8x8x16xi8> into tensor<64x16xi8>
  %e5 = tensor.empty() : tensor<2x2x8xi8>
  %t6 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qzeros, %shifts1 : tensor<2x2xi32>, tensor<8xi32>) outs(%e5 : tensor<2x2x8xi8>) {
  ^bb0(%a0: i32, %a1: i32, %out: i8):
    %s = arith.shrsi %a0, %a1 : i32
    %s8 = arith.trunci %s : i32 to i8
    %mask = arith.constant 15 : i8
    %and = arith.andi %s8, %mask : i8
    %one = arith.constant 1 : i8
    %plus = arith.addi %and, %one : i8
    linalg.yield %plus : i8
  } -> tensor<2x2x8xi8>
  %t7 = tensor.collapse_shape %t6 [[0], [1, 2]] : tensor<2x2x8xi8> into tensor<2x16xi8>
  %t8 = tensor.expand_shape %t4 [[0, 1], [2]] output_shape [2, 32, 16] : tensor<64x16xi8> into tensor<2x32x16xi8>
  %e9 = tensor.empty() : tensor<2x32x16xf16>
  %t10 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t8, %scales, %t7 : tensor<2x32x16xi8>, tensor<2x16xf16>, tensor<2x16xi8>) outs(%e9 : tensor<2x32x16xf16>) {
  ^bb0(%a0: i8, %a1: f16, %a2: i8, %out: f16):
    %d = arith.subi %a0, %a2 : i8
    %df = arith.sitofp %d : i8 to f16
    %w = arith.mulf %df, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<2x32x16xf16>
  %t11 = tensor.collapse_shape %t10 [[0, 1], [2]] : tensor<2x32x16xf16> into tensor<64x16xf16>
  %zero12 = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xf16>
  %e13 = tensor.empty(%rows) : tensor<?x16xf32>
  %init14 = linalg.fill ins(%zero12 : f32) outs(%e13 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %mm15 = linalg.matmul ins(%x, %t11 : tensor<?x64xf16>, tensor<64x16xf16>) outs(%init14 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %e16 = tensor.empty(%rows) : tensor<?x16xf16>
  %t17 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm15 : tensor<?x16xf32>) outs(%e16 : tensor<?x16xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<?x16xf16>
  return %t17 : tensor<?x16xf16>
}

// CHECK-LABEL: func.func @int_zero_act_order(
// CHECK-SAME: %[[S:[a-z0-9]+]]: tensor<2x16xf16>, %[[Z:[a-z0-9]+]]: tensor<2x2xi32>, %[[G:[a-z0-9]+]]: tensor<64xi64>
// CHECK: %[[G32:.*]] = linalg.generic {{.*}} outs({{.*}} : tensor<64xi32>)
// CHECK: tensor.extract %[[G]]
// CHECK: arith.trunci {{.*}} : i64 to i32
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = packed, gptq_v1 = true>
// CHECK-SAME: %[[S]] : {{.*}}) zeros(%[[Z]] : tensor<2x2xi32>) g_idx(%[[G32]] : tensor<64xi32>)
// CHECK-NOT: tensor.extract %[[S]]
// The same with scales[g_idx] and zeros[g_idx] gathered per K row.
func.func @int_zero_act_order(%x: tensor<?x64xf16>, %qweight: tensor<8x16xi32>, %scales: tensor<2x16xf16>, %qzeros: tensor<2x2xi32>, %g_idx: tensor<64xi64>) -> (tensor<?x16xf16>) {
  %shifts1 = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<8x8x16xi8>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<8x16xi32>, tensor<8xi32>) outs(%e2 : tensor<8x8x16xi8>) {
  ^bb0(%a0: i32, %a1: i32, %out: i8):
    %s = arith.shrsi %a0, %a1 : i32
    %s8 = arith.trunci %s : i32 to i8
    %mask = arith.constant 15 : i8
    %and = arith.andi %s8, %mask : i8
    linalg.yield %and : i8
  } -> tensor<8x8x16xi8>
  %t4 = tensor.collapse_shape %t3 [[0, 1], [2]] : tensor<8x8x16xi8> into tensor<64x16xi8>
  %e5 = tensor.empty() : tensor<2x2x8xi8>
  %t6 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qzeros, %shifts1 : tensor<2x2xi32>, tensor<8xi32>) outs(%e5 : tensor<2x2x8xi8>) {
  ^bb0(%a0: i32, %a1: i32, %out: i8):
    %s = arith.shrsi %a0, %a1 : i32
    %s8 = arith.trunci %s : i32 to i8
    %mask = arith.constant 15 : i8
    %and = arith.andi %s8, %mask : i8
    %one = arith.constant 1 : i8
    %plus = arith.addi %and, %one : i8
    linalg.yield %plus : i8
  } -> tensor<2x2x8xi8>
  %t7 = tensor.collapse_shape %t6 [[0], [1, 2]] : tensor<2x2x8xi8> into tensor<2x16xi8>
  %e8 = tensor.empty() : tensor<64x16xf16>
  %t9 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%g_idx : tensor<64xi64>) outs(%e8 : tensor<64x16xf16>) {
  ^bb0(%a0: i64, %out: f16):
    %gi = arith.index_cast %a0 : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %scales[%gi, %col] : tensor<2x16xf16>
    linalg.yield %v : f16
  } -> tensor<64x16xf16>
  %e10 = tensor.empty() : tensor<64x16xi8>
  %t11 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%g_idx : tensor<64xi64>) outs(%e10 : tensor<64x16xi8>) {
  ^bb0(%a0: i64, %out: i8):
    %gi = arith.index_cast %a0 : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %t7[%gi, %col] : tensor<2x16xi8>
    linalg.yield %v : i8
  } -> tensor<64x16xi8>
  %e12 = tensor.empty() : tensor<64x16xf16>
  %t13 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t4, %t9, %t11 : tensor<64x16xi8>, tensor<64x16xf16>, tensor<64x16xi8>) outs(%e12 : tensor<64x16xf16>) {
  ^bb0(%a0: i8, %a1: f16, %a2: i8, %out: f16):
    %d = arith.subi %a0, %a2 : i8
    %df = arith.sitofp %d : i8 to f16
    %w = arith.mulf %df, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<64x16xf16>
  %zero14 = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xf16>
  %e15 = tensor.empty(%rows) : tensor<?x16xf32>
  %init16 = linalg.fill ins(%zero14 : f32) outs(%e15 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %mm17 = linalg.matmul ins(%x, %t13 : tensor<?x64xf16>, tensor<64x16xf16>) outs(%init16 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %e18 = tensor.empty(%rows) : tensor<?x16xf16>
  %t19 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm17 : tensor<?x16xf32>) outs(%e18 : tensor<?x16xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<?x16xf16>
  return %t19 : tensor<?x16xf16>
}

// CHECK-LABEL: func.func @awq_act_order(
// CHECK: w4a16.matmul #w4a16.scheme<layout = awq, group_size = 32, zero_point = packed>
// CHECK-SAME: g_idx(
// AWQ with float-domain zeros, act-order gathers.
func.func @awq_act_order(%x: tensor<?x64xf16>, %qweight: tensor<64x2xi32>, %scales: tensor<2x16xf16>, %qzeros: tensor<2x2xi32>, %g_idx: tensor<64xi64>) -> (tensor<?x16xf16>) {
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
  %e7 = tensor.empty() : tensor<2x2x8xf16>
  %t8 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qzeros, %shifts1 : tensor<2x2xi32>, tensor<8xi32>) outs(%e7 : tensor<2x2x8xf16>) {
  ^bb0(%a0: i32, %a1: i32, %out: f16):
    %s = arith.shrsi %a0, %a1 : i32
    %mask = arith.constant 15 : i32
    %and = arith.andi %s, %mask : i32
    %zf = arith.sitofp %and : i32 to f16
    linalg.yield %zf : f16
  } -> tensor<2x2x8xf16>
  %t9 = tensor.collapse_shape %t8 [[0], [1, 2]] : tensor<2x2x8xf16> into tensor<2x16xf16>
  %e10 = tensor.empty() : tensor<64x16xf16>
  %t11 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%g_idx : tensor<64xi64>) outs(%e10 : tensor<64x16xf16>) {
  ^bb0(%a0: i64, %out: f16):
    %gi = arith.index_cast %a0 : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %scales[%gi, %col] : tensor<2x16xf16>
    linalg.yield %v : f16
  } -> tensor<64x16xf16>
  %e12 = tensor.empty() : tensor<64x16xf16>
  %t13 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%g_idx : tensor<64xi64>) outs(%e12 : tensor<64x16xf16>) {
  ^bb0(%a0: i64, %out: f16):
    %gi = arith.index_cast %a0 : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %t9[%gi, %col] : tensor<2x16xf16>
    linalg.yield %v : f16
  } -> tensor<64x16xf16>
  %e14 = tensor.empty() : tensor<64x16xf16>
  %t15 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t6, %t11, %t13 : tensor<64x16xf16>, tensor<64x16xf16>, tensor<64x16xf16>) outs(%e14 : tensor<64x16xf16>) {
  ^bb0(%a0: f16, %a1: f16, %a2: f16, %out: f16):
    %d = arith.subf %a0, %a2 : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<64x16xf16>
  %zero16 = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xf16>
  %e17 = tensor.empty(%rows) : tensor<?x16xf32>
  %init18 = linalg.fill ins(%zero16 : f32) outs(%e17 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %mm19 = linalg.matmul ins(%x, %t15 : tensor<?x64xf16>, tensor<64x16xf16>) outs(%init18 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %e20 = tensor.empty(%rows) : tensor<?x16xf16>
  %t21 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm19 : tensor<?x16xf32>) outs(%e20 : tensor<?x16xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<?x16xf16>
  return %t21 : tensor<?x16xf16>
}

// CHECK-LABEL: func.func @ui8_masked(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<16x2x32xi8>
// CHECK: %[[P:.*]] = linalg.generic {{.*}} outs({{.*}} : tensor<8x16xi32>)
// CHECK: tensor.extract %[[W]]
// CHECK: arith.extui {{.*}} : i8 to i32
// CHECK: arith.andi
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float> ins(%{{.*}}, %[[P]],
// torch-mlir's custom op on unpacked ui8 weights, masked with 15 first.
func.func @ui8_masked(%x: tensor<1x3x64xf16>, %weights: tensor<16x2x32xi8>, %scales: tensor<16x2x1xf16>, %zeros: tensor<16x2x1xf16>) -> tensor<1x3x16xf16> {
  %e1 = tensor.empty() : tensor<16x2x32xf16>
  %t2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%weights, %scales, %zeros : tensor<16x2x32xi8>, tensor<16x2x1xf16>, tensor<16x2x1xf16>) outs(%e1 : tensor<16x2x32xf16>) {
  ^bb0(%a0: i8, %a1: f16, %a2: f16, %out: f16):
    %c15 = arith.constant 15 : i8
    %m = arith.andi %a0, %c15 : i8
    %i = arith.extui %m : i8 to i32
    %f = arith.uitofp %i : i32 to f16
    %d = arith.subf %f, %a2 : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<16x2x32xf16>
  %x3 = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [1, 3, 2, 32] : tensor<1x3x64xf16> into tensor<1x3x2x32xf16>
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<1x3x16xf16>
  %init = linalg.fill ins(%zero : f16) outs(%empty : tensor<1x3x16xf16>) -> tensor<1x3x16xf16>
  %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x3, %t2 : tensor<1x3x2x32xf16>, tensor<16x2x32xf16>) outs(%init : tensor<1x3x16xf16>) {
  ^bb0(%in: f16, %wt: f16, %out: f16):
    %p = arith.mulf %in, %wt : f16
    %s = arith.addf %out, %p : f16
    linalg.yield %s : f16
  } -> tensor<1x3x16xf16>
  return %mm : tensor<1x3x16xf16>
}

// CHECK-LABEL: func.func @ui8_truncated(
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float>
// Unpacked ui8 truncated to i4 before the extui.
func.func @ui8_truncated(%x: tensor<1x3x64xf16>, %weights: tensor<16x2x32xi8>, %scales: tensor<16x2x1xf16>, %zeros: tensor<16x2x1xf16>) -> tensor<1x3x16xf16> {
  %e1 = tensor.empty() : tensor<16x2x32xf16>
  %t2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%weights, %scales, %zeros : tensor<16x2x32xi8>, tensor<16x2x1xf16>, tensor<16x2x1xf16>) outs(%e1 : tensor<16x2x32xf16>) {
  ^bb0(%a0: i8, %a1: f16, %a2: f16, %out: f16):
    %t = arith.trunci %a0 : i8 to i4
    %i = arith.extui %t : i4 to i32
    %f = arith.uitofp %i : i32 to f16
    %d = arith.subf %f, %a2 : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<16x2x32xf16>
  %x3 = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [1, 3, 2, 32] : tensor<1x3x64xf16> into tensor<1x3x2x32xf16>
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<1x3x16xf16>
  %init = linalg.fill ins(%zero : f16) outs(%empty : tensor<1x3x16xf16>) -> tensor<1x3x16xf16>
  %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x3, %t2 : tensor<1x3x2x32xf16>, tensor<16x2x32xf16>) outs(%init : tensor<1x3x16xf16>) {
  ^bb0(%in: f16, %wt: f16, %out: f16):
    %p = arith.mulf %in, %wt : f16
    %s = arith.addf %out, %p : f16
    linalg.yield %s : f16
  } -> tensor<1x3x16xf16>
  return %mm : tensor<1x3x16xf16>
}

// CHECK-LABEL: func.func @ui8_constant(
// CHECK: %[[P:.*]] = arith.constant dense<"0x1032547610325476{{[0-9A-F]*}}1032547698BADCFE98BADCFE{{[0-9A-F]*}}"> : tensor<8x16xi32>
// CHECK: w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = float> ins(%{{.*}}, %[[P]],
// Constant ui8 weights, all below 16 (value k % 16): packed at compile time
// (GPTQ word of rows 0..7 is 0x76543210, rows 8..15 0xFEDCBA98).
func.func @ui8_constant(%x: tensor<1x3x64xf16>, %scales: tensor<16x2x1xf16>, %zeros: tensor<16x2x1xf16>) -> tensor<1x3x16xf16> {
  %cweights = arith.constant dense<[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]]]> : tensor<16x2x32xi8>
  %e1 = tensor.empty() : tensor<16x2x32xf16>
  %t2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%cweights, %scales, %zeros : tensor<16x2x32xi8>, tensor<16x2x1xf16>, tensor<16x2x1xf16>) outs(%e1 : tensor<16x2x32xf16>) {
  ^bb0(%a0: i8, %a1: f16, %a2: f16, %out: f16):
    %i = arith.extui %a0 : i8 to i32
    %f = arith.uitofp %i : i32 to f16
    %d = arith.subf %f, %a2 : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<16x2x32xf16>
  %x3 = tensor.expand_shape %x [[0], [1], [2, 3]] output_shape [1, 3, 2, 32] : tensor<1x3x64xf16> into tensor<1x3x2x32xf16>
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<1x3x16xf16>
  %init = linalg.fill ins(%zero : f16) outs(%empty : tensor<1x3x16xf16>) -> tensor<1x3x16xf16>
  %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x3, %t2 : tensor<1x3x2x32xf16>, tensor<16x2x32xf16>) outs(%init : tensor<1x3x16xf16>) {
  ^bb0(%in: f16, %wt: f16, %out: f16):
    %p = arith.mulf %in, %wt : f16
    %s = arith.addf %out, %p : f16
    linalg.yield %s : f16
  } -> tensor<1x3x16xf16>
  return %mm : tensor<1x3x16xf16>
}
