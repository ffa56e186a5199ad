// RUN: w4a16-opt %s --w4a16-gpu-module-to-binary=format=isa | sed -e 's/\\0A/\n/g' | FileCheck %s
// RUN: w4a16-opt %s --gpu-module-to-binary=format=isa | sed -e 's/\\0A/\n/g' | FileCheck %s --check-prefix=UPSTREAM

// The decode kernel's shape in small (the PTX split into lines for
// FileCheck): a loop that loads the next iteration's scale, then a row
// through the no-L1 inline PTX. Marked as a load, the asm lets LLVM fold
// the scale loads into the top of the loop (InstCombine sinks a phi of
// loads only past instructions that cannot write memory, and an asm call
// without attributes may), so nothing is loaded before the loop. Upstream's
// serialization, and an asm with side effects, keep the first scale loaded
// before the loop.

// CHECK-LABEL: .entry marked(
// CHECK-NOT: ld.global.b32
// CHECK: bra{{.*}}$L__BB0_
// CHECK: $L__BB0_{{[0-9]+}}:
// CHECK-NEXT: ld.global.b32
// CHECK: ld.global.L1::no_allocate.v4.b32
// CHECK-LABEL: .entry unmarked(
// CHECK: ld.global.b32
// CHECK: bra{{.*}}$L__BB1_

// UPSTREAM-LABEL: .entry marked(
// UPSTREAM: ld.global.b32
// UPSTREAM: bra{{.*}}$L__BB0_
module attributes {gpu.container_module} {
  gpu.module @kernels [#nvvm.target<chip = "sm_90", O = 3>] {
    llvm.func @marked(%rows: !llvm.ptr<1>, %scales: !llvm.ptr<1>, %out: !llvm.ptr<1>, %n: i64) attributes {nvvm.kernel} {
      %c0 = llvm.mlir.constant(0 : i64) : i64
      %c1 = llvm.mlir.constant(1 : i64) : i64
      %zero = llvm.mlir.constant(0.0 : f32) : f32
      %s0 = llvm.load %scales : !llvm.ptr<1> -> f32
      llvm.br ^loop(%c0, %s0, %zero : i64, f32, f32)
    ^loop(%i: i64, %s: f32, %acc: f32):
      %i1 = llvm.add %i, %c1 : i64
      %nextScale = llvm.getelementptr %scales[%i1] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, f32
      %s1 = llvm.load %nextScale : !llvm.ptr<1> -> f32
      %row = llvm.getelementptr %rows[%i] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, vector<4xi32>
      %words = llvm.inline_asm "ld.global.L1::no_allocate.v4.b32 {$0, $1, $2, $3}, [$4+0];", "=r,=r,=r,=r,l" %row : (!llvm.ptr<1>) -> !llvm.struct<(i32, i32, i32, i32)>
      %w = llvm.extractvalue %words[0] : !llvm.struct<(i32, i32, i32, i32)>
      %wf = llvm.sitofp %w : i32 to f32
      %p = llvm.fmul %wf, %s : f32
      %next = llvm.fadd %acc, %p : f32
      %more = llvm.icmp "slt" %i1, %n : i64
      llvm.cond_br %more, ^loop(%i1, %s1, %next : i64, f32, f32), ^done
    ^done:
      llvm.store %next, %out : f32, !llvm.ptr<1>
      llvm.return
    }
    llvm.func @unmarked(%rows: !llvm.ptr<1>, %scales: !llvm.ptr<1>, %out: !llvm.ptr<1>, %n: i64) attributes {nvvm.kernel} {
      %c0 = llvm.mlir.constant(0 : i64) : i64
      %c1 = llvm.mlir.constant(1 : i64) : i64
      %zero = llvm.mlir.constant(0.0 : f32) : f32
      %s0 = llvm.load %scales : !llvm.ptr<1> -> f32
      llvm.br ^loop(%c0, %s0, %zero : i64, f32, f32)
    ^loop(%i: i64, %s: f32, %acc: f32):
      %i1 = llvm.add %i, %c1 : i64
      %nextScale = llvm.getelementptr %scales[%i1] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, f32
      %s1 = llvm.load %nextScale : !llvm.ptr<1> -> f32
      %row = llvm.getelementptr %rows[%i] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, vector<4xi32>
      %words = llvm.inline_asm has_side_effects "ld.global.L1::no_allocate.v4.b32 {$0, $1, $2, $3}, [$4+0];", "=r,=r,=r,=r,l" %row : (!llvm.ptr<1>) -> !llvm.struct<(i32, i32, i32, i32)>
      %w = llvm.extractvalue %words[0] : !llvm.struct<(i32, i32, i32, i32)>
      %wf = llvm.sitofp %w : i32 to f32
      %p = llvm.fmul %wf, %s : f32
      %next = llvm.fadd %acc, %p : f32
      %more = llvm.icmp "slt" %i1, %n : i64
      llvm.cond_br %more, ^loop(%i1, %s1, %next : i64, f32, f32), ^done
    ^done:
      llvm.store %next, %out : f32, !llvm.ptr<1>
      llvm.return
    }
  }
}
