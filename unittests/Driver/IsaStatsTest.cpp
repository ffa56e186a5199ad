//===- IsaStatsTest.cpp - Checks the AMDGPU assembly reader ---------------===//
//
// A small test executable (no gtest on the build machines) run by lit:
// test/Driver/isa-stats-unittests.test. It parses a hand-written kernel whose
// counts are known and prints one line per check; it exits non-zero if any
// check fails.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Driver/IsaStats.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir::w4a16;

static int failures = 0;

static void check(bool ok, llvm::StringRef what) {
  llvm::outs() << (ok ? "PASS: " : "FAIL: ") << what << "\n";
  failures += !ok;
}

/// Two kernels. `k0` has an outer loop (.LBB0_1) around an inner loop
/// (.LBB0_2); the inner one holds the dot2s, so it is the hot loop:
///   2 b128 loads + 1 b64 load, 1 VOPD pair of dot2 + 1 dot2 (3 dot2),
///   1 v_and_or + 1 VOPD half v_mov (2 other VALU), 3 VALU issues (a VOPD
///   pair counts once), 1 ds op, 2 waits, 2 SALU (s_add, s_cbranch; the
///   s_delay_alu hint is not counted). The outer loop has more instructions
///   but the same dot2s, so the smaller loop wins.
/// `k1` has no loop.
static constexpr llvm::StringLiteral kIsa = R"(
	.text
	.amdgcn_target "amdgcn-amd-amdhsa--gfx1100"
	.globl	k0
	.type	k0,@function
k0:
	s_load_b64 s[0:1], s[0:1], 0x0
.LBB0_1:
	v_mov_b32_e32 v1, 0
.LBB0_2:
	global_load_b128 v[2:5], v[0:1], off
	global_load_b128 v[6:9], v[0:1], off offset:16
	global_load_b64 v[10:11], v[0:1], off
	s_waitcnt vmcnt(0)
	v_and_or_b32 v12, v2, s2, 0x64006400
	v_dual_dot2acc_f32_f16 v20, v2, v6 :: v_dual_mov_b32 v21, 0
	v_dual_dot2acc_f32_f16 v22, v3, v7 :: v_dual_dot2acc_f32_f16 v23, v4, v8
	s_delay_alu instid0(VALU_DEP_1)
	ds_store_b32 v0, v20
	s_waitcnt lgkmcnt(0)
	s_add_u32 s4, s4, 1
	s_cbranch_scc1 .LBB0_2
	v_add_f32_e32 v1, v1, v20
	s_cbranch_vccnz .LBB0_1
	s_endpgm
.Lfunc_end0:
	.size	k0, .Lfunc_end0-k0
	.globl	k1
	.type	k1,@function
k1:
	v_mov_b32_e32 v0, 0
	s_endpgm
.Lfunc_end1:
	.size	k1, .Lfunc_end1-k1
	.amdhsa_kernel k0
		.amdhsa_group_segment_fixed_size 4096
		.amdhsa_private_segment_fixed_size 0
		.amdhsa_kernarg_size 248
	.end_amdhsa_kernel
	.amdhsa_kernel k1
		.amdhsa_group_segment_fixed_size 0
		.amdhsa_private_segment_fixed_size 16
		.amdhsa_kernarg_size 8
	.end_amdhsa_kernel
amdhsa.kernels:
  - .args:           []
    .name:           k0
    .sgpr_count:     22
    .vgpr_count:     44
  - .args:           []
    .name:           k1
    .sgpr_count:     4
    .vgpr_count:     3
)";

int main() {
  std::vector<KernelStats> kernels = parseIsa(kIsa);
  check(kernels.size() == 2 && kernels[0].name == "k0" &&
            kernels[1].name == "k1",
        "two kernels, k0 and k1, in order");
  if (kernels.size() != 2) {
    llvm::outs() << "FAILED\n";
    return 1;
  }
  const KernelStats &k0 = kernels[0], &k1 = kernels[1];
  check(k0.vgprs == 44 && k0.sgprs == 22, "k0: 44 VGPRs, 22 SGPRs");
  check(k0.ldsBytes == 4096 && k0.scratchBytes == 0 && k0.kernargBytes == 248,
        "k0: 4096 B LDS, no scratch, 248 B kernargs");
  check(k1.vgprs == 3 && k1.sgprs == 4 && k1.scratchBytes == 16 &&
            k1.kernargBytes == 8,
        "k1: 3 VGPRs, 4 SGPRs, 16 B scratch, 8 B kernargs");
  check(k0.hasHotLoop && !k1.hasHotLoop, "k0 has a hot loop, k1 none");
  const InstructionMix &hot = k0.hotLoop;
  check(hot.globalLoads.size() == 2 && hot.globalLoads.at("b128") == 2 &&
            hot.globalLoads.at("b64") == 1,
        "hot loop loads: b128 x2, b64 x1");
  check(hot.dot2 == 3 && hot.wmma == 0, "hot loop: 3 dot2 (VOPD halves too)");
  check(hot.otherValu == 2, "hot loop: 2 other VALU (v_and_or, VOPD v_mov)");
  check(hot.valuIssues == 3, "hot loop: 3 VALU issues (a VOPD pair is one)");
  check(hot.ldsOps == 1 && hot.waitcnts == 2 && hot.globalStores == 0,
        "hot loop: 1 LDS op, 2 waits, no stores");
  check(hot.salu == 2, "hot loop: 2 SALU, s_delay_alu not counted");
  llvm::outs() << (failures ? "FAILED" : "ALL PASSED") << "\n";
  return failures ? 1 : 0;
}
