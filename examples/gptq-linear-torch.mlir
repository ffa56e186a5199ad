// A GPTQ linear layer (K = N = 4096, group size 128, symmetric, f16) as
// torch-mlir's linalg-on-tensors output writes the reference unpacking code
// `((qweight >> shifts) & 15).to(f16) - 8) * scales` and `x @ w` for one decode
// token: elementwise generics around expand/collapse_shape feeding a
// linalg.matmul with an f32 accumulator and a truncf.
//
// To a gfx1100 code object:
//   w4a16-opt gptq-linear-torch.mlir --w4a16-torch-gpu-pipeline="chipset=gfx1100"
// or from Python: w4a16.compile(open("gptq-linear-torch.mlir").read(), chipset="gfx1100")
func.func @gptq_linear(%x: tensor<1x4096xf16>, %qweight: tensor<512x4096xi32>, %scales: tensor<32x4096xf16>) -> (tensor<1x4096xf16>) {
  %shifts1 = arith.constant dense<[0, 4, 8, 12, 16, 20, 24, 28]> : tensor<8xi32>
  %e2 = tensor.empty() : tensor<512x8x4096xi32>
  %t3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%qweight, %shifts1 : tensor<512x4096xi32>, tensor<8xi32>) outs(%e2 : tensor<512x8x4096xi32>) {
  ^bb0(%a0: i32, %a1: i32, %out: i32):
    %s = arith.shrsi %a0, %a1 : i32
    linalg.yield %s : i32
  } -> tensor<512x8x4096xi32>
  %e4 = tensor.empty() : tensor<512x8x4096xi32>
  %t5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t3 : tensor<512x8x4096xi32>) outs(%e4 : tensor<512x8x4096xi32>) {
  ^bb0(%a0: i32, %out: i32):
    %mask = arith.constant 15 : i32
    %and = arith.andi %a0, %mask : i32
    linalg.yield %and : i32
  } -> tensor<512x8x4096xi32>
  %t6 = tensor.collapse_shape %t5 [[0, 1], [2]] : tensor<512x8x4096xi32> into tensor<4096x4096xi32>
  %e7 = tensor.empty() : tensor<4096x4096xf16>
  %t8 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t6 : tensor<4096x4096xi32>) outs(%e7 : tensor<4096x4096xf16>) {
  ^bb0(%a0: i32, %out: f16):
    %f = arith.sitofp %a0 : i32 to f16
    linalg.yield %f : f16
  } -> tensor<4096x4096xf16>
  %t9 = tensor.expand_shape %t8 [[0, 1], [2]] output_shape [32, 128, 4096] : tensor<4096x4096xf16> into tensor<32x128x4096xf16>
  %e10 = tensor.empty() : tensor<32x128x4096xf16>
  %t11 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t9, %scales : tensor<32x128x4096xf16>, tensor<32x4096xf16>) outs(%e10 : tensor<32x128x4096xf16>) {
  ^bb0(%a0: f16, %a1: f16, %out: f16):
    %z = arith.constant 8.0 : f16
    %d = arith.subf %a0, %z : f16
    %w = arith.mulf %d, %a1 : f16
    linalg.yield %w : f16
  } -> tensor<32x128x4096xf16>
  %t12 = tensor.collapse_shape %t11 [[0, 1], [2]] : tensor<32x128x4096xf16> into tensor<4096x4096xf16>
  %zero13 = arith.constant 0.0 : f32
  %e14 = tensor.empty() : tensor<1x4096xf32>
  %init15 = linalg.fill ins(%zero13 : f32) outs(%e14 : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %mm16 = linalg.matmul ins(%x, %t12 : tensor<1x4096xf16>, tensor<4096x4096xf16>) outs(%init15 : tensor<1x4096xf32>) -> tensor<1x4096xf32>
  %e17 = tensor.empty() : tensor<1x4096xf16>
  %t18 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm16 : tensor<1x4096xf32>) outs(%e17 : tensor<1x4096xf16>) {
  ^bb0(%a0: f32, %out: f16):
    %cast_a0 = arith.truncf %a0 : f32 to f16
    linalg.yield %cast_a0 : f16
  } -> tensor<1x4096xf16>
  return %t18 : tensor<1x4096xf16>
}
