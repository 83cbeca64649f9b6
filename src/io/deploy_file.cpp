#include "io/deploy_file.hpp"

#include <filesystem>
#include <set>
#include <sstream>

#include "io/yaml_fields.hpp"

namespace trilink::io {

namespace fs = std::filesystem;

namespace {

std::string resolve(const std::string& file, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(file).parent_path() / p).lexically_normal().string();
}

}  // namespace

Expected<Deployment> load_deployment(const std::string& path) {
  try {
    const YAML::Node root = load_yaml_file(path);
    if (!root.IsMap()) throw InputError(Error{path, "expected a mapping of deployment settings"});
    const Fields top(root, "", path);
    top.only({"scenario", "policy", "interface", "peers", "lease_s", "announce_s", "deadline_s",
              "heartbeat_s", "domains", "security", "pki", "recordings"});
    Deployment d;
    d.path = path;
    if (auto s = top.optional_text("scenario")) d.scenario = resolve(path, *s);
    if (auto s = top.optional_text("policy")) d.policy = resolve(path, *s);
    if (!top.has("interface"))
      top.fail_at("interface",
                  "missing: name the network interface (an address such as 127.0.0.1, or a "
                  "name such as lo); trilink never lets DDS pick one");
    d.interface = top.text("interface");
    if (d.interface.empty() || d.interface.find_first_of(" \t\"<>&") != std::string::npos)
      top.fail_at("interface", "must be an address or an interface name");
    if (top.has("peers")) {
      const YAML::Node peers = top.list("peers", 64, "a list of peer addresses");
      for (std::size_t i = 0; i < peers.size(); ++i) {
        if (!peers[i].IsScalar()) top.fail_at("peers", "expected addresses");
        const auto p = peers[i].as<std::string>();
        if (p.empty() || p.find_first_not_of("0123456789.") != std::string::npos)
          top.fail_at("peers", "'" + p + "' is not an IPv4 address");
        d.peers.push_back(p);
      }
    } else {
      d.peers = {
          d.interface.find_first_not_of("0123456789.") == std::string::npos ? d.interface : "127.0.0.1"};
    }
    d.lease_s = top.number_or("lease_s", 10.0, 1.0, 3600.0);
    d.announce_s = top.number_or("announce_s", 0.5, 0.05, 3600.0);
    if (d.announce_s > d.lease_s)
      top.fail_at("announce_s",
                  "must not exceed lease_s (a peer would lapse between announcements)");
    d.deadline_s = top.number_or("deadline_s", 30.0, 0.1, 3600.0);
    d.heartbeat_s = top.number_or("heartbeat_s", 1.0, 0.01, 600.0);
    if (!top.has("domains"))
      top.fail_at("domains", "missing: the DDS domain of each nation and link");
    const Fields dom(top.node("domains"), "domains", path);
    std::set<int> used;
    const auto id = [&](std::string_view key) {
      const auto v = static_cast<int>(dom.number(key, 0, 230));
      if (!used.insert(v).second) dom.fail_at(key, "domain " + std::to_string(v) + " used twice");
      return v;
    };
    std::vector<std::string_view> keys;
    std::vector<std::string> names;
    for (Nation n : all_nations) {
      names.push_back(std::string(to_string(n)));
      names.push_back("link_" + std::string(to_string(n)));
    }
    for (const auto& k : names) keys.push_back(k);
    dom.only(keys);
    for (Nation n : all_nations) {
      const std::string nk(to_string(n)), lk = "link_" + nk;
      if (dom.has(nk)) d.nation_domains[n] = id(nk);
      if (dom.has(lk)) d.link_domains[n] = id(lk);
    }
    if (top.has("security")) {
      const YAML::Node s = top.node("security");
      if (!s.IsScalar() || (s.Scalar() != "true" && s.Scalar() != "false"))
        top.fail_at("security", "expected true or false");
      d.security = s.Scalar() == "true";
    }
    if (d.security && !top.has("pki"))
      top.fail_at("pki", "missing: the folder of `trilink pki init` (security is on)");
    if (top.has("pki")) d.pki = resolve(path, top.text("pki"));
    d.recordings = resolve(path, top.has("recordings") ? top.text("recordings") : ".");
    return d;
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  }
}

std::string deployment_yaml(const Deployment& d) {
  std::ostringstream y;
  y << "# trilink live deployment (docs/live.md)\n";
  if (!d.scenario.empty()) y << "scenario: " << d.scenario << "\n";
  if (!d.policy.empty()) y << "policy: " << d.policy << "\n";
  y << "interface: " << d.interface << "\npeers: [";
  for (std::size_t i = 0; i < d.peers.size(); ++i) y << (i ? ", " : "") << d.peers[i];
  y << "]\nlease_s: " << d.lease_s << "\nannounce_s: " << d.announce_s
    << "\ndeadline_s: " << d.deadline_s << "\nheartbeat_s: " << d.heartbeat_s << "\ndomains:\n";
  for (const auto& [n, id] : d.nation_domains) y << "  " << to_string(n) << ": " << id << "\n";
  for (const auto& [n, id] : d.link_domains) y << "  link_" << to_string(n) << ": " << id << "\n";
  y << "security: " << (d.security ? "true" : "false") << "\n";
  if (!d.pki.empty()) y << "pki: " << d.pki << "\n";
  y << "recordings: " << d.recordings << "\n";
  return y.str();
}

}  // namespace trilink::io
