// dlopen wrapper over OpenBLAS; see include/COpenBLAS.h for why it is not linked.
#include "COpenBLAS.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// CBLAS's enums are ints (CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112); blasint is int in
// Debian's libopenblas0 (not the 64-bit-integer build).
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef char *(*corename_fn)(void);
typedef char *(*config_fn)(void);
typedef int (*get_threads_fn)(void);
typedef void (*set_threads_fn)(int);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm_ptr;
static corename_fn corename_ptr;
static config_fn config_ptr;
static get_threads_fn get_threads_ptr;
static set_threads_fn set_threads_ptr;
static char load_error[512];
static volatile int load_attempted;

static const char *const bk_blas_library_names[] = {"libopenblas.so.0", "libopenblas.so",
                                                    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", NULL};

const char *bk_blas_library_name(int i) {
    return i >= 0 && i < (int)(sizeof bk_blas_library_names / sizeof bk_blas_library_names[0]) ? bk_blas_library_names[i] : NULL;
}

static void load_once(void) {
    load_attempted = 1;
    void *handle = NULL;
    // BERTKIT_OPENBLAS names one library file to use instead (another OpenBLAS build); only that one is tried.
    const char *chosen = getenv("BERTKIT_OPENBLAS");
    if (chosen != NULL && chosen[0] != '\0') {
        handle = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            const char *why = dlerror();
            snprintf(load_error, sizeof load_error, "cannot load BERTKIT_OPENBLAS=%s (%s); unset it or name an OpenBLAS library",
                     chosen, why ? why : "not found");
            return;
        }
    }
    for (size_t i = 0; bk_blas_library_names[i] != NULL && handle == NULL; i++) {
        handle = dlopen(bk_blas_library_names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libopenblas.so.0 (%s); install libopenblas0 (Scripts/bootstrap.sh does)",
                 why ? why : "not found");
        return;
    }
    sgemm_ptr = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    corename_ptr = (corename_fn)dlsym(handle, "openblas_get_corename");
    config_ptr = (config_fn)dlsym(handle, "openblas_get_config");  // optional: only for reports
    get_threads_ptr = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
    set_threads_ptr = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    if (!sgemm_ptr || !corename_ptr || !get_threads_ptr || !set_threads_ptr) {
        snprintf(load_error, sizeof load_error, "the loaded libopenblas lacks cblas_sgemm or openblas_* controls");
        sgemm_ptr = NULL;
    }
}

int bk_blas_load(char *error, int capacity) {
    pthread_once(&once, load_once);
    if (sgemm_ptr) return 0;
    if (error && capacity > 0) snprintf(error, (size_t)capacity, "%s", load_error);
    return 1;
}

int bk_blas_is_loaded(void) { return load_attempted; }

const char *bk_blas_corename(void) {
    return bk_blas_load(NULL, 0) == 0 ? corename_ptr() : NULL;
}

const char *bk_blas_config(void) {
    return bk_blas_load(NULL, 0) == 0 && config_ptr ? config_ptr() : NULL;
}

int bk_blas_get_threads(void) { return bk_blas_load(NULL, 0) == 0 ? get_threads_ptr() : 0; }

void bk_blas_set_threads(int count) {
    if (bk_blas_load(NULL, 0) == 0) set_threads_ptr(count);
}

void bk_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc) {
    if (!sgemm_ptr && bk_blas_load(NULL, 0) != 0) {
        fprintf(stderr, "bertkit: %s\n", load_error);
        abort();
    }
    sgemm_ptr(101, transA ? 112 : 111, transB ? 112 : 111, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
