// Failures of the hub's fusion (STYLE 9, third tier): numerical trouble or bad numbers in a
// message are a status with a reason, never an exception and never a fused NaN.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace trilink::fusion {

enum class FusionStatus : std::uint8_t {
  non_finite,             // a NaN or inf in a state or covariance (input or result)
  not_positive_definite,  // a covariance whose Cholesky factorisation fails
  invalid_input,          // nothing to fuse, a duplicate contribution, ...
};

inline std::string_view to_string(FusionStatus s) {
  switch (s) {
    case FusionStatus::non_finite:
      return "non_finite";
    case FusionStatus::not_positive_definite:
      return "not_positive_definite";
    case FusionStatus::invalid_input:
      return "invalid_input";
  }
  return "unknown";
}

struct FusionFailure {
  FusionStatus status = FusionStatus::invalid_input;
  std::string reason;
};

template <typename T>
using FusionResult = std::expected<T, FusionFailure>;

inline std::unexpected<FusionFailure> failure(FusionStatus s, std::string reason) {
  return std::unexpected(FusionFailure{s, std::move(reason)});
}

}  // namespace trilink::fusion
