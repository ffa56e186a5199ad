// RUN: w4a16-opt %s --w4a16-cpu-pipeline | FileCheck %s
// RUN: w4a16-opt %s --w4a16-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs | FileCheck %s --check-prefix=EXEC
// RUN: w4a16-opt %s "--w4a16-cpu-pipeline=tiling-chipset=gfx1100" | FileCheck %s
// RUN: w4a16-opt %s "--w4a16-cpu-pipeline=tiling-chipset=gfx1100" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs | FileCheck %s --check-prefix=EXEC
// RUN: not w4a16-opt %s "--w4a16-cpu-pipeline=tiling-chipset=gfx90a" 2>&1 | FileCheck %s --check-prefix=CHIP

// The CPU pipeline leaves nothing but the LLVM dialect, and the program
// computes values checked by hand. Word 0x76543210 (1985229328) holds
// rows 0..7 = 0..7 in the GPTQ layout, so with x = [1, 2, 0.5, -1, 1, 1, 1, 1]:
//   column 0: sum_k x[k] * k * 1.0 + init 0   = 22
//   column 1: sum_k x[k] * k * 0.5 + init 100 = 111
// A wrong nibble order (high nibble first) would give 23.5 and 111.75.
// With tiling-chipset the same matmul runs as the tile loops of its gfx1100
// decode tiling (one 8-row split, N = 2 masked in a 128-column tile).

// CHIP: error: 'w4a16.matmul' op unsupported chip 'gfx90a'

// CHECK-NOT: w4a16.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK: llvm.func @main()

// EXEC: {{\[}}[22, 111]]

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0, 0.5, -1.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<1x8xf16>
  %w = arith.constant dense<[[1985229328, 1985229328]]> : tensor<1x2xi32>
  %s = arith.constant dense<[[1.0, 0.5]]> : tensor<1x2xbf16>
  %init = arith.constant dense<[[0.0, 100.0]]> : tensor<1x2xf32>
  %xd = tensor.cast %x : tensor<1x8xf16> to tensor<?x8xf16>
  %id = tensor.cast %init : tensor<1x2xf32> to tensor<?x2xf32>
  %y = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = -1, zero_point = none>
         ins(%xd, %w, %s : tensor<?x8xf16>, tensor<1x2xi32>, tensor<1x2xbf16>)
         outs(%id : tensor<?x2xf32>) -> tensor<?x2xf32>
  %ys = tensor.cast %y : tensor<?x2xf32> to tensor<1x2xf32>
  %m = bufferization.to_buffer %ys : tensor<1x2xf32> to memref<1x2xf32>
  %u = memref.cast %m : memref<1x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
