// OpenBLAS reached through dlopen, behind plain C functions. Reached from exactly one Swift file,
// Sources/NativeEncoder/BLAS.swift.
//
// Why not link it: the pthread build of OpenBLAS starts its worker threads when the library loads, and they
// spin (sched_yield) for about a tenth of a second. Linked into bertkit, every subcommand paid that, also
// tokenize and normalize, which never multiply a matrix. Loading on first use also means OPENBLAS_CORETYPE
// set by the process before that point is honoured.
#ifndef BERTKIT_COPENBLAS_H
#define BERTKIT_COPENBLAS_H

/// Loads OpenBLAS once (thread-safe). Returns 0 on success; otherwise writes a reason into `error`.
int bk_blas_load(char *error, int capacity);

/// The kernel family OpenBLAS uses (e.g. "Haswell"), or NULL when it is not loaded.
const char *bk_blas_corename(void);
/// OpenBLAS's build string (e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ..."), or NULL when not loaded or
/// the library lacks openblas_get_config.
const char *bk_blas_config(void);
/// The i-th file name bk_blas_load tries (NULL past the last), for finding the release before loading it.
const char *bk_blas_library_name(int i);
/// 1 once a load has been attempted (OpenBLAS reads OPENBLAS_CORETYPE then, and never again).
int bk_blas_is_loaded(void);

/// OpenBLAS's own thread count (0 when not loaded).
int bk_blas_get_threads(void);

/// Sets OpenBLAS's own thread count (no effect when not loaded).
void bk_blas_set_threads(int count);

/// Row-major sgemm: C = alpha op(A) op(B) + beta C. Aborts with a message if OpenBLAS could not be loaded
/// (callers load it first through BLAS.load(), which reports the problem as an error).
void bk_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc);

#endif
