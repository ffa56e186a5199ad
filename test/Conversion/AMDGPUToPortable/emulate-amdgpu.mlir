// RUN: w4a16-opt %s --pass-pipeline='builtin.module(gpu.module(w4a16-emulate-amdgpu))' | FileCheck %s
// RUN: w4a16-opt %s --pass-pipeline='builtin.module(gpu.module(w4a16-emulate-amdgpu,lower-affine,canonicalize,cse))' | FileCheck %s --check-prefix=COUNT

// The flag every emulated module gets, initially 0.
// CHECK-LABEL: gpu.module @kernels
// CHECK: memref.global "public" @w4a16_emulation_error : memref<i32, #gpu.address_space<global>> = dense<0>
gpu.module @kernels {
  // dot2: a0 * b0 + a1 * b1 + c as two f32 FMAs, a0 * b0 first.
  // CHECK-LABEL: gpu.func @dot2
  // CHECK-NOT: llvm.call_intrinsic
  // CHECK: %[[A0:.*]] = vector.extract %[[A:.*]][0] : f16 from vector<2xf16>
  // CHECK: %[[A0F:.*]] = arith.extf %[[A0]] : f16 to f32
  // CHECK: %[[B0:.*]] = vector.extract %[[B:.*]][0] : f16 from vector<2xf16>
  // CHECK: %[[B0F:.*]] = arith.extf %[[B0]] : f16 to f32
  // CHECK: %[[P0:.*]] = llvm.intr.fma(%[[A0F]], %[[B0F]], %[[C:.*]]) : (f32, f32, f32) -> f32
  // CHECK: vector.extract %[[A]][1]
  // CHECK: vector.extract %[[B]][1]
  // CHECK: %[[P1:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %[[P0]])
  // CHECK: vector.extract %{{.*}}[0] : bf16 from vector<2xbf16>
  // CHECK: arith.extf %{{.*}} : bf16 to f32
  // CHECK-NOT: llvm.call_intrinsic
  // CHECK: memref.store
  gpu.func @dot2(%a: vector<2xf16>, %b: vector<2xf16>, %c: f32, %x: vector<2xbf16>, %y: vector<2xbf16>, %out: memref<2xf32>) kernel {
    %false = llvm.mlir.constant(false) : i1
    %0 = llvm.call_intrinsic "llvm.amdgcn.fdot2"(%a, %b, %c, %false) : (vector<2xf16>, vector<2xf16>, f32, i1) -> f32
    %1 = llvm.call_intrinsic "llvm.amdgcn.fdot2.f32.bf16"(%x, %y, %0, %false) : (vector<2xbf16>, vector<2xbf16>, f32, i1) -> f32
    %i0 = arith.constant 0 : index
    memref.store %1, %out[%i0] : memref<2xf32>
    gpu.return
  }

  // WMMA: first the half-wave check (A and B words against lane ^ 16), then
  // for each of the 8 accumulator values the A row (lane 2v + lane/16) and
  // B column (lane % 16) gathered from lanes 0-15 and 16 FMAs in K order.
  // CHECK-LABEL: gpu.func @wmma
  // CHECK-NOT: amdgpu.wmma
  // CHECK: vector.bitcast %{{.*}} : vector<16xf16> to vector<8xi32>
  // CHECK: gpu.shuffle  xor %{{.*}}, %c16_i32, %c32_i32 : i32
  // CHECK: arith.cmpi ne
  // CHECK: scf.if
  // CHECK-NEXT: %[[FLAG:.*]] = memref.get_global @w4a16_emulation_error
  // CHECK: memref.store %{{.*}}, %[[FLAG]][]
  // CHECK: %[[LANE:.*]] = gpu.lane_id
  // CHECK: affine.apply #{{.*}}()[%[[LANE]]]
  // CHECK: gpu.shuffle  idx
  // CHECK: llvm.intr.fma
  // CHECK-NOT: amdgpu.wmma
  // COUNT-LABEL: gpu.func @wmma
  // 16 check shuffles, 8 words of each of the 8 A rows, 8 words of the B column
  // (the same for every value, shared after CSE): 88 shuffles, 128 FMAs.
  // COUNT-COUNT-16: gpu.shuffle  xor
  // COUNT-NOT: gpu.shuffle  xor
  // COUNT-COUNT-128: llvm.intr.fma
  // COUNT-NOT: llvm.intr.fma
  // COUNT: gpu.return
  gpu.func @wmma(%a: vector<16xf16>, %b: vector<16xf16>, %c: vector<8xf32>, %out: memref<8xf32>) kernel {
    %d = amdgpu.wmma 16x16x16 %a * %b + %c : vector<16xf16>, vector<16xf16>, vector<8xf32>
    %i0 = arith.constant 0 : index
    vector.store %d, %out[%i0] : memref<8xf32>, vector<8xf32>
    gpu.return
  }

  // COUNT-LABEL: gpu.func @wmma_bf16
  // COUNT: vector.bitcast %{{.*}} : vector<8xi32> to vector<16xbf16>
  // COUNT: arith.extf %{{.*}} : bf16 to f32
  gpu.func @wmma_bf16(%a: vector<16xbf16>, %b: vector<16xbf16>, %c: vector<8xf32>, %out: memref<8xf32>) kernel {
    %d = amdgpu.wmma 16x16x16 %a * %b + %c : vector<16xbf16>, vector<16xbf16>, vector<8xf32>
    %i0 = arith.constant 0 : index
    vector.store %d, %out[%i0] : memref<8xf32>, vector<8xf32>
    gpu.return
  }
}
