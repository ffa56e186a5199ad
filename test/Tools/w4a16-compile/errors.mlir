// RUN: not w4a16-compile %s --chipset=gfx1200 -o %t.hsaco 2>&1 | FileCheck %s --check-prefix=RDNA4
// RUN: not w4a16-compile %s --chipset=gfx90a -o %t.hsaco 2>&1 | FileCheck %s --check-prefix=CDNA
// RUN: not w4a16-compile %s --m-range=1 -o %t.hsaco 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not w4a16-compile %S/Inputs/malformed.mlir -o %t.hsaco 2>&1 | FileCheck %s --check-prefix=PARSE
// RUN: not w4a16-compile %t.missing.mlir -o %t.hsaco 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not w4a16-compile %s --backend=hip -o %t.hsaco 2>&1 | FileCheck %s --check-prefix=BACKEND
// RUN: not w4a16-compile %S/Inputs/no-rows.mlir -o %t.hsaco 2>&1 | FileCheck %s --check-prefix=EMPTY

// RDNA4: errors.mlir: error: chip 'gfx1200': RDNA4 (gfx12) WMMA uses a different operand layout and is not supported yet
// CDNA: errors.mlir: error: unsupported chip 'gfx90a'; supported: gfx1100,
// RANGE: error: --m-range takes two values, min,max
// PARSE: malformed.mlir:3:{{[0-9]+}}: error:
// MISSING: missing.mlir: error: {{[Nn]}}o such file or directory
// BACKEND: for the --backend option: Cannot find option named 'hip'!
// EMPTY: no-rows.mlir: error: nothing to compile: no matmul of the module needs a GPU kernel (a matmul of no rows folds to its init)
func.func @dynamic(%x: tensor<?x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<?x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<?x4096xf16>) -> tensor<?x4096xf16>
  return %0 : tensor<?x4096xf16>
}
