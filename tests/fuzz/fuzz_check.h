// What a fuzz target asserts: a broken property aborts, so libFuzzer keeps
// the input and the replay test fails on it.
#pragma once

#include <cstdio>
#include <cstdlib>

#define JSR_FUZZ_CHECK(condition)                                                             \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)
