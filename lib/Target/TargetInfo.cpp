//===- TargetInfo.cpp - Facts about the GPUs w4a16 generates code for -----===//
//
// Sources: shared/notes/rdna3.md (vendor tables; 7900 XTX and Strix Halo
// bandwidths are measured read bandwidths, the others vendor peaks);
// shared/notes/performance.md and NVIDIA's datasheets for the NVIDIA chips
// (H100 SXM: ~3.0 TB/s measured copy bandwidth on the device machine).
//
//===----------------------------------------------------------------------===//

#include "w4a16/Target/TargetInfo.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir::w4a16;

namespace {
/// A gfx11 chip: everything but the size-dependent numbers is common.
constexpr TargetInfo gfx11(llvm::StringLiteral chip, int64_t cus,
                           int64_t vgprsPerSimd, double dramGBPerSecond,
                           double clockGHz) {
  return TargetInfo{chip,
                    GpuVendor::AMD,
                    MmaFamily::Gfx11Wmma,
                    /*mmaM=*/16,
                    /*mmaN=*/16,
                    /*mmaK=*/16,
                    /*mmaF16=*/true,
                    /*mmaBf16=*/true,
                    /*hasDot2F16=*/true,
                    /*hasDot2Bf16=*/true,
                    /*waveSize=*/32,
                    cus,
                    /*simdsPerCU=*/2,
                    vgprsPerSimd,
                    /*vgprGranule=*/vgprsPerSimd == 1536 ? 24 : 16,
                    /*maxVgprsPerWave=*/256,
                    /*maxWavesPerSimd=*/16,
                    /*ldsBytesPerWorkgroup=*/64 * 1024,
                    dramGBPerSecond,
                    clockGHz,
                    /*memoryBoundWavesPerSimd=*/4,
                    /*singleRowBlockWavesPerSimd=*/4,
                    /*minSplitRowsPerRow=*/16,
                    /*decodeRowsInFlight=*/1,
                    /*decodeWeightsSkipL1=*/false,
                    /*operandCopyStages=*/0,
                    /*maxStagedStepRows=*/0,
                    /*stagedPrefillWavesPerCU=*/0,
                    /*prefillTileM=*/128,
                    /*prefillWavesPerCU=*/8,
                    /*matrixDecodeMinRows=*/0,
                    /*preferredBackend=*/KernelBackend::Ukernel,
                    /*hasDependentLaunch=*/false};
}

/// An NVIDIA chip: mma.sync m16n8k16 for the matrix kernels, the gfx11 decode
/// kernels through the dot2 emulation; warp32,
/// 4 sub-partitions of 512 registers per lane (64K per SM), warps allocated
/// in 8-register steps, 255 registers per thread, 16 warps per sub-partition,
/// 48 KiB of static shared memory per block.
constexpr TargetInfo nvidia(llvm::StringLiteral chip, int64_t sms,
                            double dramGBPerSecond, double clockGHz,
                            bool hasDependentLaunch) {
  return TargetInfo{chip,
                    GpuVendor::NVIDIA,
                    MmaFamily::NvidiaMmaSync,
                    /*mmaM=*/16,
                    /*mmaN=*/8,
                    /*mmaK=*/16,
                    /*mmaF16=*/true,
                    /*mmaBf16=*/true,
                    /*hasDot2F16=*/true,
                    /*hasDot2Bf16=*/true,
                    /*waveSize=*/32,
                    sms,
                    /*simdsPerCU=*/4,
                    /*vgprsPerSimd=*/512,
                    /*vgprGranule=*/8,
                    /*maxVgprsPerWave=*/255,
                    /*maxWavesPerSimd=*/16,
                    /*ldsBytesPerWorkgroup=*/48 * 1024,
                    dramGBPerSecond,
                    clockGHz,
                    /*memoryBoundWavesPerSimd=*/8,
                    /*singleRowBlockWavesPerSimd=*/4,
                    /*minSplitRowsPerRow=*/32,
                    /*decodeRowsInFlight=*/8,
                    /*decodeWeightsSkipL1=*/true,
                    /*operandCopyStages=*/4,
                    /*maxStagedStepRows=*/64,
                    /*stagedPrefillWavesPerCU=*/12,
                    /*prefillTileM=*/64,
                    /*prefillWavesPerCU=*/8,
                    /*matrixDecodeMinRows=*/2,
                    /*preferredBackend=*/KernelBackend::Mlir,
                    hasDependentLaunch};
}

const TargetInfo kTargets[] = {
    gfx11("gfx1100", 96, 1536, 809.0, 2.5),    // RX 7900 XTX
    gfx11("gfx1101", 60, 1536, 624.0, 2.4),    // RX 7800 XT
    gfx11("gfx1102", 32, 1024, 288.0, 2.6),    // RX 7600
    gfx11("gfx1103", 12, 1024, 120.0, 2.7),    // Radeon 780M (DDR5/LPDDR5X)
    gfx11("gfx1150", 16, 1024, 120.0, 2.9),    // Radeon 890M
    gfx11("gfx1151", 40, 1536, 232.0, 2.9),    // Strix Halo 8060S
    nvidia("sm_80", 108, 1555.0, 1.41, false), // A100 40 GB (vendor peak)
    nvidia("sm_90", 132, 3000.0, 1.98, true),  // H100 SXM (measured copy)
};

/// Chips known to have a different matrix-instruction operand layout.
const llvm::StringLiteral kRdna4Chips[] = {"gfx1200", "gfx1201"};
} // namespace

int64_t TargetInfo::wavesPerSimd(int64_t vgprs) const {
  if (vgprs <= 0)
    return maxWavesPerSimd;
  int64_t allocated = llvm::alignTo(vgprs, vgprGranule);
  return std::min(maxWavesPerSimd, vgprsPerSimd / allocated);
}

std::string mlir::w4a16::supportedChipList() {
  return llvm::join(
      llvm::map_range(kTargets, [](const TargetInfo &t) { return t.chip; }),
      ", ");
}

llvm::Expected<const TargetInfo &>
mlir::w4a16::lookupTarget(llvm::StringRef chip) {
  for (const TargetInfo &target : kTargets)
    if (target.chip == chip)
      return target;
  if (llvm::is_contained(kRdna4Chips, chip))
    return llvm::createStringError(
        "chip '" + chip +
        "': RDNA4 (gfx12) WMMA uses a different operand layout and is not "
        "supported yet");
  return llvm::createStringError("unsupported chip '" + chip +
                                 "'; supported: " + supportedChipList());
}
