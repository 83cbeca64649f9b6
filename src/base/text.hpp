// Small text helpers (g++ 12 has no <format>).
#pragma once

#include <cstdio>
#include <string>

namespace trilink {

// `value` with `decimals` digits after the point, "%.*f".
inline std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace trilink
