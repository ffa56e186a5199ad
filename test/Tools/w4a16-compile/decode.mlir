// RUN: rm -rf %t && mkdir -p %t
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1100 -o %t/decode.hsaco --emit-isa %t/decode.s --manifest %t/decode.json --report %t/report.txt
// RUN: llvm-readobj --file-headers %t/decode.hsaco | FileCheck %s --check-prefix=ELF
// RUN: llvm-nm -u %t/decode.hsaco | count 0
// RUN: FileCheck %s --check-prefix=ISA < %t/decode.s
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/decode.json
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.txt
// RUN: w4a16-compile %s --backend=mlir --chipset=gfx1151 -o %t/gfx1151.hsaco
// RUN: llvm-readobj --file-headers %t/gfx1151.hsaco | FileCheck %s --check-prefix=ELF1151

// One decode matmul (M = 1, K = N = 4096, G = 128, symmetric) to a code
// object, its ISA, the manifest a host launches from and the static report.

// ELF: EF_AMDGPU_MACH_AMDGCN_GFX1100
// ELF1151: EF_AMDGPU_MACH_AMDGCN_GFX1151

// ISA: .amdgcn_target "amdgcn-amd-amdhsa--gfx1100"
// ISA: matmul_0_decode:
// ISA: v_dot2{{(acc)?}}_f32_f16
// ISA: .amdhsa_kernarg_size 248

// MANIFEST:      "chip": "gfx1100",
// MANIFEST:      "kernels": [
// MANIFEST:          "name": "x",
// MANIFEST-NEXT:     "offset": 0,
// MANIFEST-NEXT:     "shape": [
// MANIFEST-NEXT:       null,
// MANIFEST-NEXT:       4096
// MANIFEST-NEXT:     ],
// MANIFEST-NEXT:     "size": 56,
// MANIFEST-NEXT:     "type": "memref<?x4096xf16>"
// MANIFEST:          "name": "qweight",
// MANIFEST-NEXT:     "offset": 56,
// MANIFEST:          "type": "memref<512x4096xi32>"
// MANIFEST:          "name": "scales",
// MANIFEST-NEXT:     "offset": 112,
// MANIFEST:          "name": "workspace",
// MANIFEST-NEXT:     "offset": 168,
// MANIFEST:          "size": 72,
// MANIFEST-NEXT:     "type": "memref<4x?x4096xf32>"
// MANIFEST:          "kind": "scalar",
// MANIFEST-NEXT:     "name": "m",
// MANIFEST-NEXT:     "offset": 240,
// MANIFEST-NEXT:     "size": 8,
// MANIFEST-NEXT:     "type": "index"
// MANIFEST:        "descriptor": "matmul_0_decode.kd",
// MANIFEST-NEXT:   "function": "decode",
// MANIFEST-NEXT:   "grid": [
// MANIFEST-NEXT:     32,
// MANIFEST-NEXT:     4,
// MANIFEST-NEXT:     1
// MANIFEST-NEXT:   ],
// MANIFEST-NEXT:   "kernarg_bytes": 248,
// MANIFEST-NEXT:   "launch_index": 0,
// MANIFEST-NEXT:   "lds_bytes": 4096,
// MANIFEST-NEXT:   "m_range": [
// MANIFEST-NEXT:     1,
// MANIFEST-NEXT:     1
// MANIFEST-NEXT:   ],
// MANIFEST-NEXT:   "scratch_bytes": 0,
// MANIFEST-NEXT:   "strategy": "decode",
// MANIFEST-NEXT:   "symbol": "matmul_0_decode",
// MANIFEST:          "split_k": 4,
// MANIFEST:        "workgroup_size": [
// MANIFEST-NEXT:     256,
// MANIFEST-NEXT:     1,
// MANIFEST-NEXT:     1
// MANIFEST-NEXT:   ]
// MANIFEST:          "name": "workspace",
// MANIFEST:          "name": "init",
// MANIFEST:          "name": "out",
// MANIFEST:          "name": "m",
// MANIFEST:        "grid": [
// MANIFEST-NEXT:     16,
// MANIFEST:        "kernarg_bytes": 192,
// MANIFEST-NEXT:   "launch_index": 1,
// MANIFEST:        "symbol": "matmul_0_splitk_reduce",
// MANIFEST:      "wave_size": 32

// REPORT:      kernel matmul_0_decode (decode, chip gfx1100)
// REPORT-NEXT:   VGPRs {{[0-9]+}}, SGPRs {{[0-9]+}}, LDS 4096 B, scratch 0 B, waves/SIMD {{[4-9]|1[0-6]}}
// The weights are the only vector load of the loop (the activations are
// scalar loads); 16 dot2 on weights and 4 on the activation sums; issue-3
// target: at most 40 VALU issues per 32 weights.
// REPORT-NEXT:   inner K loop per 32 weights per lane: global loads b128 x1, WMMA 0, dot2 20, other VALU {{[0-9]+}}, VALU issues {{([0-9]|[1-3][0-9]|40)}}, LDS ops 0,
// REPORT-NEXT:   model at M = 1, K = 4096, N = 4096: 8.67 MB / 809 GB/s = 10.71 us; 16384 wave-iterations x {{[0-9]+}} cycles / (192 SIMDs x 2.5 GHz) = {{.*}} us; modelled 10.71 us (memory-bound)
// REPORT-NEXT: kernel matmul_0_splitk_reduce (decode, chip gfx1100)
// REPORT-NEXT:   VGPRs {{[0-9]+}}, SGPRs {{[0-9]+}}, LDS 0 B, scratch 0 B, waves/SIMD 16

func.func @decode(%x: tensor<1x4096xf16>, %w: tensor<512x4096xi32>, %s: tensor<32x4096xf16>, %i: tensor<1x4096xf16>) -> tensor<1x4096xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<1x4096xf16>, tensor<512x4096xi32>, tensor<32x4096xf16>) outs(%i : tensor<1x4096xf16>) -> tensor<1x4096xf16>
  return %0 : tensor<1x4096xf16>
}
