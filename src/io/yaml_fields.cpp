#include "io/yaml_fields.hpp"

#include <cmath>
#include <map>

#include "base/text.hpp"
#include "io/read_file.hpp"

namespace trilink::io {
namespace {

std::string where(const std::string& file, int line, const std::string& field) {
  std::string w = file;
  if (line > 0) w.append(":").append(std::to_string(line));
  if (!field.empty()) w.append(": ").append(field);
  return w;
}

std::string shown(double v) {
  if (std::isnan(v)) return "nan";
  std::string s = fixed(v, 6);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Every mapping in the document: keys are plain text and none repeats (yaml-cpp keeps both
// entries of a repeated key, and which one a lookup finds differs from place to place).
void check_keys(const YAML::Node& n, const std::string& path, const std::string& file,
                std::size_t& visited) {
  if (++visited > max_yaml_nodes)
    throw InputError(Error{file, "more than " + std::to_string(max_yaml_nodes) +
                                     " YAML nodes (counting every alias where it is used)"});
  const auto child = [&](const std::string& name) {
    return path.empty() ? name : path + "." + name;
  };
  if (n.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : n)
      check_keys(item, path + "[" + std::to_string(i++) + "]", file, visited);
  } else if (n.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : n) {
      const int line = kv.first.Mark().line + 1;
      if (!kv.first.IsScalar())
        throw InputError(Error{where(file, line, path), "a key must be plain text"});
      const std::string key = kv.first.Scalar();
      const auto [it, fresh] = first_line.emplace(key, line);
      if (!fresh)
        throw InputError(Error{where(file, line, child(key)),
                               "duplicate key (first at line " + std::to_string(it->second) + ")"});
      check_keys(kv.second, child(key), file, visited);
    }
  }
}

}  // namespace

YAML::Node load_yaml_file(const std::string& path) {
  const auto text = read_input_file(path, max_yaml_bytes);
  if (!text) throw InputError(text.error());
  return parse_yaml(*text, path);
}

YAML::Node parse_yaml(const std::string& text, const std::string& source) {
  if (text.size() > max_yaml_bytes)
    throw InputError(Error{source, "is " + std::to_string(text.size()) +
                                       " bytes, more than the limit of " +
                                       std::to_string(max_yaml_bytes)});
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(Error{where(source, e.mark.line + 1, ""), "YAML syntax: " + e.msg});
  }
  if (!root.IsMap()) throw InputError(Error{source, "expected a mapping of keys at the top level"});
  std::size_t visited = 0;
  check_keys(root, "", source, visited);
  return root;
}

Fields::Fields(const YAML::Node& map, std::string path, std::string file)
    : map_(map), path_(std::move(path)), file_(std::move(file)) {
  if (!map_.IsMap()) fail_here("expected a mapping of keys");
}

std::string Fields::field(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

int Fields::line_of(std::string_view key) const {
  const YAML::Node n = map_[std::string(key)];
  if (n.IsDefined() && n.Mark().line >= 0) return n.Mark().line + 1;
  return map_.Mark().line >= 0 ? map_.Mark().line + 1 : 0;
}

void Fields::fail_at(std::string_view key, const std::string& what) const {
  throw InputError(Error{where(file_, line_of(key), field(key)), what});
}

void Fields::fail_here(const std::string& what) const {
  const int line = map_.Mark().line >= 0 ? map_.Mark().line + 1 : 0;
  throw InputError(Error{where(file_, line, path_), what});
}

void Fields::only(std::span<const std::string_view> allowed) const {
  for (const auto& kv : map_) {
    const std::string key = kv.first.as<std::string>();
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw InputError(Error{where(file_, kv.first.Mark().line + 1, field(key)),
                             "unknown key (known: " + list + ")"});
    }
  }
}

bool Fields::has(std::string_view key) const {
  const YAML::Node n = map_[std::string(key)];
  return n.IsDefined() && !n.IsNull();
}

YAML::Node Fields::node(std::string_view key) const {
  return map_[std::string(key)];
}

YAML::Node Fields::list(std::string_view key, std::size_t max_items,
                        const std::string& what) const {
  if (!has(key)) fail_at(key, "required: " + what);
  const YAML::Node n = node(key);
  if (!n.IsSequence() || n.size() == 0) fail_at(key, "expected " + what);
  if (n.size() > max_items)
    fail_at(key,
            "at most " + std::to_string(max_items) + " allowed, got " + std::to_string(n.size()));
  return n;
}

std::optional<double> Fields::optional_number(std::string_view key, double lo, double hi) const {
  if (!has(key)) return std::nullopt;
  const YAML::Node n = node(key);
  double v;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, v))
    fail_at(key, "expected a number, got '" + (n.IsScalar() ? n.Scalar() : "a structure") + "'");
  if (!std::isfinite(v)) fail_at(key, "must be a finite number, got " + n.Scalar());
  if (v < lo || v > hi)
    fail_at(key, "must be in [" + shown(lo) + ", " + shown(hi) + "], got " + shown(v));
  return v;
}

double Fields::number(std::string_view key, double lo, double hi) const {
  if (!has(key)) fail_at(key, "required");
  return *optional_number(key, lo, hi);
}

double Fields::number_or(std::string_view key, double fallback, double lo, double hi) const {
  return optional_number(key, lo, hi).value_or(fallback);
}

std::uint64_t Fields::integer(std::string_view key, std::uint64_t fallback) const {
  if (!has(key)) return fallback;
  const YAML::Node n = node(key);
  std::uint64_t v;
  const std::string s = n.IsScalar() ? n.Scalar() : "";
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos ||
      !YAML::convert<std::uint64_t>::decode(n, v))
    fail_at(key, "expected a non-negative whole number, got '" + s + "'");
  return v;
}

std::optional<std::string> Fields::optional_text(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  const YAML::Node n = node(key);
  if (!n.IsScalar()) fail_at(key, "expected text");
  return n.Scalar();
}

std::string Fields::text(std::string_view key) const {
  if (!has(key)) fail_at(key, "required");
  return *optional_text(key);
}

Fields element(const Fields& parent, std::string_view key, const YAML::Node& item, std::size_t i) {
  return Fields(item, parent.field(key) + "[" + std::to_string(i) + "]", parent.file());
}

}  // namespace trilink::io
