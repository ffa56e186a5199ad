/*===- Runtime.h - Load and launch w4a16 kernels (C ABI) ----------*- C -*-===*
 *
 * A small runtime over the GPU driver APIs that loads a compile's code
 * object (AMD: hsaco through the HIP module API) or PTX (NVIDIA: the CUDA
 * driver API, which compiles it at load) and launches its kernels with the
 * packed argument buffer the manifest describes (docs/ABI.md). The driver
 * libraries are opened with dlopen at run time (libcuda.so.1,
 * libamdhip64.so); nothing else is linked, so the library loads on any
 * Linux with a newer glibc. Every call returns 0 on success or -1, after
 * which w4a16_rt_last_error() says why. Python: w4a16.runtime (ctypes).
 *
 *===----------------------------------------------------------------------===*/

#ifndef W4A16_RUNTIME_RUNTIME_H
#define W4A16_RUNTIME_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct w4a16_rt w4a16_rt;

/* The message of the last failed call of this thread. */
const char *w4a16_rt_last_error(void);

/* Opens `backend` ("cuda" or "hip") on device `device`: loads the driver
 * library, initializes it and makes the device's primary context current. */
int w4a16_rt_open(const char *backend, int device, w4a16_rt **rt);
void w4a16_rt_close(w4a16_rt *rt);

/* Loads a code object or PTX image (PTX: NUL-terminated text). `log`, if
 * not NULL, receives up to `log_size` bytes of the JIT's log (CUDA: ptxas
 * register and spill lines). */
int w4a16_rt_load_module(w4a16_rt *rt, const void *image, void **module,
                         char *log, size_t log_size);
int w4a16_rt_get_function(w4a16_rt *rt, void *module, const char *name,
                          void **function);
/* Device address and size of the global `name` of `module`. */
int w4a16_rt_get_global(w4a16_rt *rt, void *module, const char *name,
                        uint64_t *address, size_t *bytes);

int w4a16_rt_malloc(w4a16_rt *rt, size_t bytes, uint64_t *address);
int w4a16_rt_free(w4a16_rt *rt, uint64_t address);
int w4a16_rt_copy_to_device(w4a16_rt *rt, uint64_t dst, const void *src,
                            size_t bytes);
int w4a16_rt_copy_to_host(w4a16_rt *rt, void *dst, uint64_t src, size_t bytes);

/* Launches `function` with `grid` blocks of `block` threads on `stream`
 * (a CUstream / hipStream_t, e.g. one being captured into a graph; NULL: the
 * default stream); `args` is the packed argument buffer (manifest offsets). */
int w4a16_rt_launch(w4a16_rt *rt, void *function, const uint32_t grid[3],
                    const uint32_t block[3], const void *args,
                    size_t args_bytes, void *stream);
/* Launches like w4a16_rt_launch, but lets the kernel start while the
 * previous kernel of `stream` finishes (CUDA programmatic dependent launch);
 * only for kernels that wait for it themselves: the manifest's
 * "waits_for_previous" ones. CUDA 12 drivers only. */
int w4a16_rt_launch_dependent(w4a16_rt *rt, void *function,
                              const uint32_t grid[3], const uint32_t block[3],
                              const void *args, size_t args_bytes,
                              void *stream);
int w4a16_rt_synchronize(w4a16_rt *rt);

#ifdef __cplusplus
}
#endif

#endif /* W4A16_RUNTIME_RUNTIME_H */
