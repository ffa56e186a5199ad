/*===- Runtime.c - Load and launch w4a16 kernels (C ABI) ------------------===*
 *
 * The CUDA driver API and HIP module API functions used here are declared
 * below by hand (no CUDA/HIP headers are needed to build); both take the
 * same shapes of arguments, so one table of function pointers serves both.
 *
 *===----------------------------------------------------------------------===*/

#include "w4a16/Runtime/Runtime.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int status_t; /* CUresult / hipError_t: 0 is success */

/* CUlaunchAttribute and CUlaunchConfig of cuda.h (CUDA 12): an attribute is
 * its id padded to 8 bytes and a 64-byte value union. */
struct cuda_launch_attribute {
  int id;
  char pad[4];
  union {
    char bytes[64];
    void *align;
    int programmatic_stream_serialization_allowed;
  } value;
};
struct cuda_launch_config {
  unsigned grid[3], block[3], shared_bytes;
  void *stream;
  struct cuda_launch_attribute *attributes;
  unsigned attribute_count;
};
/* CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION */
enum { kCudaProgrammaticStreamSerialization = 6 };

/* The driver functions, in the argument shapes both APIs share. */
struct driver {
  const char *name;
  status_t (*init)(unsigned flags);
  /* cuGetErrorString, or hipGetErrorString (which returns the text). */
  status_t (*cuda_error_string)(status_t, const char **);
  const char *(*hip_error_string)(status_t);
  status_t (*load_data_ex)(void **module, const void *image, unsigned count,
                           int *options, void **values);
  status_t (*get_function)(void **function, void *module, const char *name);
  status_t (*get_global)(uint64_t *address, size_t *bytes, void *module,
                         const char *name);
  status_t (*malloc_)(uint64_t *address, size_t bytes);
  status_t (*free_)(uint64_t address);
  status_t (*copy_to_device)(uint64_t dst, const void *src, size_t bytes);
  status_t (*copy_to_host)(void *dst, uint64_t src, size_t bytes);
  status_t (*launch)(void *function, unsigned gx, unsigned gy, unsigned gz,
                     unsigned bx, unsigned by, unsigned bz, unsigned shared,
                     void *stream, void **params, void **extra);
  status_t (*synchronize)(void);
  /* cuLaunchKernelEx (CUDA 12 and later; NULL where the driver lacks it). */
  status_t (*launch_ex)(const struct cuda_launch_config *config, void *function,
                        void **params, void **extra);
  /* The markers of a packed argument buffer in `extra`. */
  void *param_buffer_pointer, *param_buffer_size, *param_end;
};

struct w4a16_rt {
  void *library;
  struct driver api;
};

static _Thread_local char last_error[1024];

const char *w4a16_rt_last_error(void) { return last_error; }

static int fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return -1;
}

/* Checks a driver call; on failure records `what` and the driver's text. */
static int check(w4a16_rt *rt, status_t status, const char *what) {
  if (status == 0)
    return 0;
  const char *text = NULL;
  if (rt->api.cuda_error_string)
    rt->api.cuda_error_string(status, &text);
  else if (rt->api.hip_error_string)
    text = rt->api.hip_error_string(status);
  return fail("%s: %s failed with error %d (%s)", rt->api.name, what, status,
              text ? text : "no description");
}

static int bind(w4a16_rt *rt, void **slot, const char *symbol) {
  *slot = dlsym(rt->library, symbol);
  if (!*slot)
    return fail("%s: symbol %s not found in the driver library", rt->api.name,
                symbol);
  return 0;
}

/* Each driver function of `struct driver` with its CUDA and HIP symbol. */
static const struct {
  size_t field;
  const char *cuda, *hip;
} kSymbols[] = {
    {offsetof(struct driver, init), "cuInit", "hipInit"},
    {offsetof(struct driver, cuda_error_string), "cuGetErrorString", NULL},
    {offsetof(struct driver, hip_error_string), NULL, "hipGetErrorString"},
    {offsetof(struct driver, load_data_ex), "cuModuleLoadDataEx",
     "hipModuleLoadDataEx"},
    {offsetof(struct driver, get_function), "cuModuleGetFunction",
     "hipModuleGetFunction"},
    {offsetof(struct driver, get_global), "cuModuleGetGlobal_v2",
     "hipModuleGetGlobal"},
    {offsetof(struct driver, malloc_), "cuMemAlloc_v2", "hipMalloc"},
    {offsetof(struct driver, free_), "cuMemFree_v2", "hipFree"},
    {offsetof(struct driver, copy_to_device), "cuMemcpyHtoD_v2",
     "hipMemcpyHtoD"},
    {offsetof(struct driver, copy_to_host), "cuMemcpyDtoH_v2", "hipMemcpyDtoH"},
    {offsetof(struct driver, launch), "cuLaunchKernel",
     "hipModuleLaunchKernel"},
    {offsetof(struct driver, synchronize), "cuCtxSynchronize",
     "hipDeviceSynchronize"},
};

static int bind_driver(w4a16_rt *rt, int cuda) {
  for (size_t i = 0; i < sizeof kSymbols / sizeof kSymbols[0]; ++i) {
    const char *symbol = cuda ? kSymbols[i].cuda : kSymbols[i].hip;
    if (symbol &&
        bind(rt, (void **)((char *)&rt->api + kSymbols[i].field), symbol))
      return -1;
  }
  if (cuda)
    rt->api.launch_ex = dlsym(rt->library, "cuLaunchKernelEx");
  /* CU_LAUNCH_PARAM_BUFFER_POINTER, _SIZE and _END are 1, 2, 0; HIP's
   * HIP_LAUNCH_PARAM_BUFFER_POINTER, _SIZE and _END are 1, 2, 3. */
  rt->api.param_buffer_pointer = (void *)1;
  rt->api.param_buffer_size = (void *)2;
  rt->api.param_end = (void *)(uintptr_t)(cuda ? 0 : 3);
  return 0;
}

/* CUDA needs a current context: the device's primary one, shared with other
 * users of the driver in the process (PyTorch, CuPy). */
static int make_cuda_context_current(w4a16_rt *rt, int device) {
  status_t (*device_get)(int *, int);
  status_t (*retain)(void **, int);
  status_t (*set_current)(void *);
  if (bind(rt, (void **)&device_get, "cuDeviceGet") ||
      bind(rt, (void **)&retain, "cuDevicePrimaryCtxRetain") ||
      bind(rt, (void **)&set_current, "cuCtxSetCurrent"))
    return -1;
  int handle = 0;
  void *context = NULL;
  if (check(rt, device_get(&handle, device), "cuDeviceGet") ||
      check(rt, retain(&context, handle), "cuDevicePrimaryCtxRetain"))
    return -1;
  return check(rt, set_current(context), "cuCtxSetCurrent");
}

static int select_hip_device(w4a16_rt *rt, int device) {
  status_t (*set_device)(int);
  if (bind(rt, (void **)&set_device, "hipSetDevice"))
    return -1;
  return check(rt, set_device(device), "hipSetDevice");
}

int w4a16_rt_open(const char *backend, int device, w4a16_rt **out) {
  *out = NULL;
  int cuda = strcmp(backend, "cuda") == 0;
  if (!cuda && strcmp(backend, "hip") != 0)
    return fail("unknown backend '%s'; expected cuda or hip", backend);
  /* The HIP runtime's unversioned name comes with its -dev package only. */
  static const char *const cuda_libraries[] = {"libcuda.so.1", NULL};
  static const char *const hip_libraries[] = {
      "libamdhip64.so", "libamdhip64.so.6", "libamdhip64.so.5", NULL};
  const char *const *library = cuda ? cuda_libraries : hip_libraries;
  w4a16_rt *rt = calloc(1, sizeof *rt);
  if (!rt)
    return fail("out of host memory");
  rt->api.name = backend;
  for (; *library && !rt->library; ++library)
    rt->library = dlopen(*library, RTLD_NOW | RTLD_LOCAL);
  if (!rt->library) {
    fail("%s: cannot load the driver library (last tried: %s); is a %s GPU "
         "driver installed?",
         backend, dlerror(), cuda ? "CUDA" : "ROCm");
    free(rt);
    return -1;
  }
  if (bind_driver(rt, cuda) ||
      check(rt, rt->api.init(0), cuda ? "cuInit" : "hipInit") ||
      (cuda ? make_cuda_context_current(rt, device)
            : select_hip_device(rt, device))) {
    w4a16_rt_close(rt);
    return -1;
  }
  *out = rt;
  return 0;
}

void w4a16_rt_close(w4a16_rt *rt) {
  if (!rt)
    return;
  dlclose(rt->library);
  free(rt);
}

int w4a16_rt_load_module(w4a16_rt *rt, const void *image, void **module,
                         char *log, size_t log_size) {
  /* CU_JIT_ERROR_LOG_BUFFER(_SIZE_BYTES) = 5, 6; CU_JIT_INFO_LOG_BUFFER(...)
   * = 3, 4; CU_JIT_LOG_VERBOSE = 12. HIP ignores JIT options. */
  char error_log[4096] = "";
  int options[] = {5, 6, 3, 4, 12};
  void *values[] = {error_log, (void *)(uintptr_t)sizeof error_log, log,
                    (void *)(uintptr_t)log_size, (void *)(uintptr_t)1};
  unsigned count = log && log_size ? 5 : 2;
  if (log && log_size)
    log[0] = '\0';
  status_t status = rt->api.load_data_ex(module, image, count, options, values);
  if (status == 0)
    return 0;
  check(rt, status, "module load");
  size_t used = strlen(last_error);
  snprintf(last_error + used, sizeof last_error - used, "; JIT log: %s",
           error_log);
  return -1;
}

int w4a16_rt_get_function(w4a16_rt *rt, void *module, const char *name,
                          void **function) {
  return check(rt, rt->api.get_function(function, module, name),
               "get function");
}

int w4a16_rt_get_global(w4a16_rt *rt, void *module, const char *name,
                        uint64_t *address, size_t *bytes) {
  return check(rt, rt->api.get_global(address, bytes, module, name),
               "get global");
}

int w4a16_rt_malloc(w4a16_rt *rt, size_t bytes, uint64_t *address) {
  return check(rt, rt->api.malloc_(address, bytes), "malloc");
}

int w4a16_rt_free(w4a16_rt *rt, uint64_t address) {
  return check(rt, rt->api.free_(address), "free");
}

int w4a16_rt_copy_to_device(w4a16_rt *rt, uint64_t dst, const void *src,
                            size_t bytes) {
  return check(rt, rt->api.copy_to_device(dst, src, bytes), "copy to device");
}

int w4a16_rt_copy_to_host(w4a16_rt *rt, void *dst, uint64_t src, size_t bytes) {
  return check(rt, rt->api.copy_to_host(dst, src, bytes), "copy to host");
}

/* The `extra` launch parameter that passes the packed buffer `args`. */
static void pass_packed_arguments(const w4a16_rt *rt, void *extra[5],
                                  const void *args, size_t *args_bytes) {
  extra[0] = rt->api.param_buffer_pointer;
  extra[1] = (void *)(uintptr_t)args;
  extra[2] = rt->api.param_buffer_size;
  extra[3] = args_bytes;
  extra[4] = rt->api.param_end;
}

int w4a16_rt_launch(w4a16_rt *rt, void *function, const uint32_t grid[3],
                    const uint32_t block[3], const void *args,
                    size_t args_bytes, void *stream) {
  void *extra[5];
  pass_packed_arguments(rt, extra, args, &args_bytes);
  return check(rt,
               rt->api.launch(function, grid[0], grid[1], grid[2], block[0],
                              block[1], block[2], 0, stream, NULL, extra),
               "launch");
}

int w4a16_rt_launch_dependent(w4a16_rt *rt, void *function,
                              const uint32_t grid[3], const uint32_t block[3],
                              const void *args, size_t args_bytes,
                              void *stream) {
  if (!rt->api.launch_ex)
    return fail("%s: dependent launches need cuLaunchKernelEx (CUDA 12)",
                rt->api.name);
  void *extra[5];
  pass_packed_arguments(rt, extra, args, &args_bytes);
  struct cuda_launch_attribute overlap = {
      .id = kCudaProgrammaticStreamSerialization,
      .value.programmatic_stream_serialization_allowed = 1};
  struct cuda_launch_config config = {.grid = {grid[0], grid[1], grid[2]},
                                      .block = {block[0], block[1], block[2]},
                                      .stream = stream,
                                      .attributes = &overlap,
                                      .attribute_count = 1};
  return check(rt, rt->api.launch_ex(&config, function, NULL, extra),
               "dependent launch");
}

int w4a16_rt_synchronize(w4a16_rt *rt) {
  return check(rt, rt->api.synchronize(), "synchronize");
}
