#include "io/policy_file.hpp"

#include <algorithm>
#include <optional>

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
  const YAML::Node seq = f.list(key, max_policy_nodes_per_nation, "a list of node names");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node n = seq[i];
    const std::string item = "item " + std::to_string(i) + ": ";
    if (!n.IsScalar() || n.Scalar().empty()) f.fail_at(key, item + "expected a node name");
    names.push_back(n.Scalar());
  }
  return names;
}

share::NationPolicy read_nation(const Fields& f, share::Releasability seen,
                                const scenario::Network* network) {
  f.only({"nation", "nodes", "may_grant"});
  const std::string name = f.text("nation");
  const auto nation = parse_nation(name);
  if (!nation) f.fail_at("nation", "unknown nation '" + name + "' (known: USA, JPN, KOR)");
  if (seen.contains(*nation)) f.fail_at("nation", "nation " + name + " listed twice");
  share::NationPolicy np{*nation, node_names(f, "nodes"), label(f, "may_grant")};
  if (network) {
    std::string known;
    for (const auto& n : network->nodes)
      known += (known.empty() ? "" : ", ") + n.name + " (" + std::string(to_string(n.nation)) + ")";
    for (const auto& node : np.nodes) {
      const scenario::NodeSite* site = network->node(node);
      if (!site)
        f.fail_at("nodes", "node '" + node + "' is not in the network (its nodes: " + known + ")");
      if (site->nation != *nation)
        f.fail_at("nodes", "node '" + node + "' is a " + std::string(to_string(site->nation)) +
                               " node, not " + name);
    }
    for (const auto& n : network->nodes)
      if (n.nation == *nation && std::ranges::find(np.nodes, n.name) == np.nodes.end())
        f.fail_at("nodes", "the network's " + name + " node " + n.name +
                               " is missing (the hub would reject all its messages)");
  }
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
void each(const Fields& f, std::string_view key, std::size_t max, Read read) {
  const YAML::Node seq = f.list(key, max, "a non-empty list");
  for (std::size_t i = 0; i < seq.size(); ++i) read(element(f, key, seq[i], i));
}

share::Policy read_policy(const YAML::Node& root, const std::string& path,
                          const scenario::Network* network) {
  const Fields top(root, "", path);
  top.only({"version", "nations", "shared"});
  const std::uint64_t version = top.integer("version", 0);
  if (version != policy_file_version)
    top.fail_at("version", "policy file version " + std::to_string(version) +
                               " is not supported (expected " +
                               std::to_string(policy_file_version) + ")");
  share::Policy policy;
  share::Releasability seen;
  std::vector<std::string> nodes;
  each(top, "nations", all_nations.size(), [&](const Fields& f) {
    policy.nations.push_back(read_nation(f, seen, network));
    seen = seen.with(policy.nations.back().nation);
    for (const auto& n : policy.nations.back().nodes) {
      if (std::ranges::find(nodes, n) != nodes.end())
        f.fail_at("nodes", "node '" + n + "' is listed twice");
      nodes.push_back(n);
    }
  });
  each(top, "shared", share::all_message_types.size(), [&](const Fields& f) {
    const auto s = read_shared(f);
    if (policy.is_shared(s.type))
      f.fail_at("type", "type " + std::string(share::to_string(s.type)) + " listed twice");
    policy.shared.push_back(s);
    if (const auto problem = policy.check()) f.fail_at("default_label", *problem);
  });
  if (const auto problem = policy.check()) top.fail_here(*problem);
  if (network)
    for (const auto& n : network->nodes)
      if (!policy.find(n.nation))
        top.fail_at("nations", "nation " + std::string(to_string(n.nation)) +
                                   " is missing: the network has its node " + n.name);
  return policy;
}

// `text` is the file's content, or nullopt to read it from `path`.
Expected<share::Policy> load(const std::optional<std::string>& text, const std::string& path,
                             const scenario::Network* network) {
  try {
    return read_policy(text ? parse_yaml(*text, path) : load_yaml_file(path), path, network);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(path, std::string("YAML: ") + e.what());
  }
}

}  // namespace

Expected<share::Policy> load_policy(const std::string& path) {
  return load(std::nullopt, path, nullptr);
}

Expected<share::Policy> load_policy(const std::string& path, const scenario::Network& network) {
  return load(std::nullopt, path, &network);
}

Expected<share::Policy> parse_policy(const std::string& text, const std::string& source) {
  return load(text, source, nullptr);
}

Expected<share::Policy> parse_policy(const std::string& text, const std::string& source,
                                     const scenario::Network& network) {
  return load(text, source, &network);
}

}  // namespace trilink::io
