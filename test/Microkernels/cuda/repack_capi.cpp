//===- repack_capi.cpp - C entry point of the repack for the CUDA harness -===//
//
// Lets check_microkernels.py (ctypes) repack with the project's own
// w4a16::repackGptqToFragmentLayout instead of a second implementation.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Support/Repack.h"

extern "C" int w4a16_repack_gptq_to_fragment(const uint32_t *gptq, int64_t k,
                                             int64_t n, uint32_t *fragment) {
  return w4a16::repackGptqToFragmentLayout(gptq, k, n, fragment) ? 0 : 1;
}
