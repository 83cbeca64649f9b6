// Reading YAML input strictly: every key must be known, every value in range, and an error
// names the file, the line and the field ("f06.yaml:14: launches[0].apogee_km: must be
// positive, got -3"). Inside the loaders a bad value throws InputError; the public loaders
// catch it and return Expected, so nothing outside sees the exception.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace trilink::io {

struct InputError : std::runtime_error {
  explicit InputError(Error e) : std::runtime_error(e.message()), error(std::move(e)) {}
  Error error;
};

// Limits on every YAML input (docs/scenarios.md, "Limits"): the file's size, and the number of
// nodes visited when every alias is expanded (so that a "billion laughs" file is refused).
inline constexpr std::uintmax_t max_yaml_bytes = 1u << 20;  // 1 MiB (yaml-cpp nodes are large)
inline constexpr std::size_t max_yaml_nodes = 1'000'000;

// Loads a YAML file; throws InputError for a missing or unreadable file, a directory, a file
// over max_yaml_bytes, a syntax error (with line), a mapping that repeats a key, a key that is
// not plain text, or more than max_yaml_nodes nodes.
YAML::Node load_yaml_file(const std::string& path);
// The same checks on text already read; `source` names it in errors as the path would
// ("f06.yaml:14: ..."). load_yaml_file reads the file and calls this.
YAML::Node parse_yaml(const std::string& text, const std::string& source);

// One YAML mapping with the path that leads to it ("launches[2]").
class Fields {
 public:
  Fields(const YAML::Node& map, std::string path, std::string file);

  // Throws for any key not in `allowed`.
  void only(std::span<const std::string_view> allowed) const;
  void only(std::initializer_list<std::string_view> allowed) const {
    only(std::span<const std::string_view>(allowed.begin(), allowed.size()));
  }
  bool has(std::string_view key) const;

  double number(std::string_view key, double lo, double hi) const;
  std::optional<double> optional_number(std::string_view key, double lo, double hi) const;
  double number_or(std::string_view key, double fallback, double lo, double hi) const;
  std::uint64_t integer(std::string_view key, std::uint64_t fallback) const;
  std::string text(std::string_view key) const;
  std::optional<std::string> optional_text(std::string_view key) const;
  YAML::Node node(std::string_view key) const;
  // The sequence under `key`: required, 1 to `max_items` elements, else an error that says
  // "expected `what`".
  YAML::Node list(std::string_view key, std::size_t max_items, const std::string& what) const;

  std::string field(std::string_view key) const;  // "launches[2].apogee_km"
  [[noreturn]] void fail_at(std::string_view key, const std::string& what) const;
  [[noreturn]] void fail_here(const std::string& what) const;
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

 private:
  int line_of(std::string_view key) const;
  YAML::Node map_;
  std::string path_;
  std::string file_;
};

// A sequence under `key`, each element a mapping: Fields for element i is "key[i]".
Fields element(const Fields& parent, std::string_view key, const YAML::Node& item, std::size_t i);

}  // namespace trilink::io
