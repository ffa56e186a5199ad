//===- TargetTest.cpp - Checks target facts and the gfx11 WMMA layout -----===//
//
// A small test executable (no gtest on the build machines) run by lit:
// test/Target/target-unittests.test. It prints one line per check and exits
// non-zero if any fails.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/MLIRContext.h"
#include "w4a16/Target/TargetInfo.h"
#include "w4a16/Target/WmmaLayout.h"
#include "llvm/Support/raw_ostream.h"
#include <set>

using namespace mlir;
using namespace mlir::w4a16;

static int failures = 0;

static void check(bool ok, llvm::StringRef what) {
  llvm::outs() << (ok ? "PASS: " : "FAIL: ") << what << "\n";
  failures += !ok;
}

static void checkTargets() {
  for (llvm::StringRef chip :
       {"gfx1100", "gfx1101", "gfx1102", "gfx1103", "gfx1150", "gfx1151"}) {
    auto target = lookupTarget(chip);
    bool ok = static_cast<bool>(target);
    if (!ok)
      llvm::consumeError(target.takeError());
    else
      ok = target->mmaM == 16 && target->mmaN == 16 && target->mmaK == 16 &&
           target->waveSize == 32 && target->chip == chip;
    check(ok, ("lookupTarget(" + chip + ") is gfx11 WMMA 16x16x16").str());
  }
  const TargetInfo &gfx1100 = *lookupTarget("gfx1100");
  check(gfx1100.numSimds() == 192, "gfx1100 has 192 SIMDs");
  // rdna3.md: waves per SIMD by VGPRs on 1536-VGPR parts.
  check(gfx1100.wavesPerSimd(96) == 16 && gfx1100.wavesPerSimd(120) == 12 &&
            gfx1100.wavesPerSimd(144) == 10 && gfx1100.wavesPerSimd(192) == 8 &&
            gfx1100.wavesPerSimd(256) == 5,
        "gfx1100 occupancy table");
  check(lookupTarget("gfx1102")->vgprsPerSimd == 1024,
        "gfx1102 has 1024 VGPRs per SIMD");
  for (llvm::StringRef chip : {"sm_80", "sm_90"}) {
    const TargetInfo &nvidia = *lookupTarget(chip);
    check(nvidia.mmaFamily == MmaFamily::NvidiaMmaSync && nvidia.mmaM == 16 &&
              nvidia.mmaN == 8 && nvidia.mmaK == 16,
          ("lookupTarget(" + chip + ") is mma.sync m16n8k16").str());
  }
  const TargetInfo &sm90 = *lookupTarget("sm_90");
  check(sm90.stagesOperandSteps(32) && sm90.stagesOperandSteps(64) &&
            !sm90.stagesOperandSteps(128) && !gfx1100.stagesOperandSteps(32),
        "sm_90 stages the operands of 32- and 64-row steps, not 128; gfx1100 "
        "none");

  for (llvm::StringRef chip : {"gfx1200", "gfx90a"}) {
    auto target = lookupTarget(chip);
    std::string message =
        target ? std::string() : llvm::toString(target.takeError());
    llvm::outs() << "ERROR " << chip << ": " << message << "\n";
    check(!message.empty(), ("lookupTarget(" + chip + ") fails").str());
  }
}

static void checkLayout(MLIRContext &context) {
  using namespace gfx11;
  AffineMap a = getAOperandMap(&context), b = getBOperandMap(&context),
            c32 = getAccF32Map(&context), c16 = getAccF16Map(&context);

  // The documented table, entry by entry for a few lanes.
  check(evaluate(a, 0, 0) == std::make_pair<int64_t, int64_t>(0, 0) &&
            evaluate(a, 5, 9) == std::make_pair<int64_t, int64_t>(5, 9) &&
            evaluate(a, 21, 9) == std::make_pair<int64_t, int64_t>(5, 9) &&
            evaluate(a, 31, 15) == std::make_pair<int64_t, int64_t>(15, 15),
        "A: lane l holds row l % 16, element e is K index e");
  check(evaluate(b, 3, 7) == std::make_pair<int64_t, int64_t>(7, 3) &&
            evaluate(b, 19, 7) == std::make_pair<int64_t, int64_t>(7, 3) &&
            evaluate(b, 15, 0) == std::make_pair<int64_t, int64_t>(0, 15),
        "B: lane l holds column l % 16, element e is K index e");
  check(evaluate(c32, 0, 0) == std::make_pair<int64_t, int64_t>(0, 0) &&
            evaluate(c32, 0, 7) == std::make_pair<int64_t, int64_t>(14, 0) &&
            evaluate(c32, 16, 0) == std::make_pair<int64_t, int64_t>(1, 0) &&
            evaluate(c32, 31, 7) == std::make_pair<int64_t, int64_t>(15, 15) &&
            evaluate(c32, 20, 3) == std::make_pair<int64_t, int64_t>(7, 4),
        "C/D f32: value v of lane l is D[2v + l/16][l % 16]");
  check(evaluate(c16, 16, 6) == evaluate(c32, 16, 3) &&
            evaluate(c16, 16, 7) == evaluate(c32, 16, 3) &&
            isAccF16Element(6, 0) && isAccF16Element(7, 1) &&
            !isAccF16Element(7, 0),
        "C/D f16: half h holds value h/2 in the subword-offset half");

  // Whole-table properties: half-waves duplicate A and B, and the f32
  // accumulator covers each of the 256 outputs exactly once.
  bool duplicated = true;
  for (int64_t lane = 0; lane < 16; ++lane)
    for (int64_t e = 0; e < kOperandElements; ++e)
      duplicated &= evaluate(a, lane, e) == evaluate(a, lane + 16, e) &&
                    evaluate(b, lane, e) == evaluate(b, lane + 16, e);
  check(duplicated, "lanes 16-31 hold the A and B data of lanes 0-15");
  std::set<std::pair<int64_t, int64_t>> covered;
  for (int64_t lane = 0; lane < kWaveLanes; ++lane)
    for (int64_t v = 0; v < kAccF32Elements; ++v)
      covered.insert(evaluate(c32, lane, v));
  check(covered.size() == 256 && covered.begin()->first == 0 &&
            covered.rbegin()->first == 15,
        "f32 accumulator covers the 16x16 tile exactly once");

  // The maps the emitters use and the integer layout the microkernels use
  // (Support/Gfx11WmmaLayout.h) agree on every lane and element.
  namespace layout = ::w4a16::gfx11;
  bool agree = true;
  for (int64_t lane = 0; lane < kWaveLanes; ++lane) {
    int64_t index = layout::operandIndexOfLane(lane);
    for (int64_t e = 0; e < kOperandElements; ++e)
      agree &= evaluate(a, lane, e) == std::make_pair(index, e) &&
               evaluate(b, lane, e) == std::make_pair(e, index);
    for (int64_t v = 0; v < kAccF32Elements; ++v)
      agree &=
          evaluate(c32, lane, v) == std::make_pair(layout::accF32Row(lane, v),
                                                   layout::accF32Column(lane));
  }
  check(agree, "the affine maps equal Support/Gfx11WmmaLayout.h everywhere");
}

int main() {
  MLIRContext context;
  checkTargets();
  checkLayout(context);
  llvm::outs() << (failures ? "FAILED" : "ALL PASSED") << "\n";
  return failures ? 1 : 0;
}
