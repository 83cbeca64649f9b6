// Errors from outside input (files, command line, network): the second of the three tiers
// of STYLE.md. A contract violation is an assert; bad input is an Error value that names
// where it came from (file, line, field) and what is wrong.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace trilink {

struct Error {
  std::string where;  // "file.yaml:12: launches[0].apogee_km", or "--apogee-km"
  std::string what;   // "must be positive, got -3"

  std::string message() const { return where.empty() ? what : where + ": " + what; }
};

template <typename T>
using Expected = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string where, std::string what) {
  return std::unexpected(Error{std::move(where), std::move(what)});
}

}  // namespace trilink
