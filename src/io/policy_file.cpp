#include "io/policy_file.hpp"

#include <algorithm>

#include "io/yaml_fields.hpp"

namespace trilink::io {
namespace {

share::Releasability label(const Fields& f, std::string_view key) {
  const std::string text = f.text(key);
  const auto r = share::parse_releasability(text);
  if (!r)
    f.fail_at(key, "expected nations joined by '|' (USA, JPN, KOR) or 'none', got '" + text + "'");
  return *r;
}

std::vector<std::string> node_names(const Fields& f, std::string_view key) {
  if (!f.has(key)) f.fail_at(key, "required");
  const YAML::Node seq = f.node(key);
  if (!seq.IsSequence() || seq.size() == 0) f.fail_at(key, "expected a list of node names");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node n = seq[i];
    const std::string item = "item " + std::to_string(i) + ": ";
    if (!n.IsScalar() || n.Scalar().empty()) f.fail_at(key, item + "expected a node name");
    names.push_back(n.Scalar());
  }
  return names;
}

share::NationPolicy read_nation(const Fields& f, share::Releasability seen) {
  f.only({"nation", "nodes", "may_grant"});
  const std::string name = f.text("nation");
  const auto nation = parse_nation(name);
  if (!nation) f.fail_at("nation", "unknown nation '" + name + "' (known: USA, JPN, KOR)");
  if (seen.contains(*nation)) f.fail_at("nation", "nation " + name + " listed twice");
  share::NationPolicy np{*nation, node_names(f, "nodes"), label(f, "may_grant")};
  return np;
}

share::SharedType read_shared(const Fields& f) {
  f.only({"type", "default_label"});
  const std::string name = f.text("type");
  const auto type = share::parse_message_type(name);
  if (!type) {
    std::string known;
    for (auto t : share::all_message_types)
      known += (known.empty() ? "" : ", ") + std::string(share::to_string(t));
    f.fail_at("type", "unknown message type '" + name + "' (known: " + known + ")");
  }
  if (*type == share::MessageType::detection)
    f.fail_at("type", "detection is never shared: radar plots stay inside their nation");
  return share::SharedType{*type, label(f, "default_label")};
}

template <typename Read>
void each(const Fields& f, std::string_view key, Read read) {
  if (!f.has(key)) f.fail_at(key, "required");
  const YAML::Node seq = f.node(key);
  if (!seq.IsSequence() || seq.size() == 0) f.fail_at(key, "expected a non-empty list");
  for (std::size_t i = 0; i < seq.size(); ++i) read(element(f, key, seq[i], i));
}

share::Policy read_policy(const std::string& path) {
  const Fields top(load_yaml_file(path), "", path);
  top.only({"version", "nations", "shared"});
  const std::uint64_t version = top.integer("version", 0);
  if (version != policy_file_version)
    top.fail_at("version", "policy file version " + std::to_string(version) +
                               " is not supported (expected " +
                               std::to_string(policy_file_version) + ")");
  share::Policy policy;
  share::Releasability seen;
  std::vector<std::string> nodes;
  each(top, "nations", [&](const Fields& f) {
    policy.nations.push_back(read_nation(f, seen));
    seen = seen.with(policy.nations.back().nation);
    for (const auto& n : policy.nations.back().nodes) {
      if (std::ranges::find(nodes, n) != nodes.end())
        f.fail_at("nodes", "node '" + n + "' is listed twice");
      nodes.push_back(n);
    }
  });
  each(top, "shared", [&](const Fields& f) {
    const auto s = read_shared(f);
    if (policy.is_shared(s.type))
      f.fail_at("type", "type " + std::string(share::to_string(s.type)) + " listed twice");
    policy.shared.push_back(s);
    if (const auto problem = policy.check()) f.fail_at("default_label", *problem);
  });
  if (const auto problem = policy.check()) top.fail_here(*problem);
  return policy;
}

}  // namespace

Expected<share::Policy> load_policy(const std::string& path) {
  try {
    return read_policy(path);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(path, std::string("YAML: ") + e.what());
  }
}

}  // namespace trilink::io
