// Counts heap allocations, for tests that check a warm workspace allocates nothing.
// Replaces the global operator new/delete: include it from exactly one source file of a test
// program (each test program here is one file).
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace trilink::test_alloc {
inline std::atomic<std::size_t> allocations{0};
}  // namespace trilink::test_alloc

// Out of line, so that the compiler does not pair an inlined malloc with an inlined free.
[[gnu::noinline]] void* operator new(std::size_t n) {
  ++trilink::test_alloc::allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
