// RUN: w4a16-opt %s --pass-pipeline='builtin.module(gpu.module(w4a16-emulate-amdgpu))' -split-input-file -verify-diagnostics

gpu.module @other_intrinsic {
  gpu.func @f(%x: i32) kernel {
    // expected-error @+1 {{'llvm.call_intrinsic' op is AMD-specific and has no portable emulation}}
    %0 = llvm.call_intrinsic "llvm.amdgcn.permlanex16"(%x, %x, %x, %x) : (i32, i32, i32, i32) -> i32
    gpu.return
  }
}

// -----

gpu.module @rocdl_op {
  gpu.func @f() kernel {
    // expected-error @+1 {{'rocdl.workitem.id.x' op is AMD-specific and has no portable emulation}}
    %0 = rocdl.workitem.id.x : i32
    gpu.return
  }
}

// -----

gpu.module @clamp {
  gpu.func @f(%a: vector<2xf16>, %c: f32) kernel {
    %true = llvm.mlir.constant(true) : i1
    // expected-error @+1 {{emulation supports llvm.amdgcn.fdot2 only with the clamp operand false}}
    %0 = llvm.call_intrinsic "llvm.amdgcn.fdot2"(%a, %a, %c, %true) : (vector<2xf16>, vector<2xf16>, f32, i1) -> f32
    gpu.return
  }
}

// -----

gpu.module @f16_accumulator {
  gpu.func @f(%a: vector<16xf16>, %c: vector<16xf16>) kernel {
    // expected-error @+1 {{emulation supports only the gfx11 16x16x16 form with f16 or bf16 vector<16xT> A/B and a vector<8xf32> accumulator}}
    %0 = amdgpu.wmma 16x16x16 %a * %a + %c : vector<16xf16>, vector<16xf16>, vector<16xf16>
    gpu.return
  }
}

// -----

gpu.module @gfx12_shape {
  gpu.func @f(%a: vector<8xf16>, %c: vector<8xf32>) kernel {
    // expected-error @+1 {{emulation supports only the gfx11 16x16x16 form}}
    %0 = amdgpu.wmma 16x16x16 %a * %a + %c : vector<8xf16>, vector<8xf16>, vector<8xf32>
    gpu.return
  }
}
