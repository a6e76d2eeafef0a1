// OpenBLAS for Swift: the CBLAS interface plus openblas_* controls (thread count, corename).
// Reached from exactly one Swift file, Sources/NativeEncoder/BLAS.swift.
#ifndef BERTKIT_COPENBLAS_SHIM_H
#define BERTKIT_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
