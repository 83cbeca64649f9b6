#include "exercise/network.hpp"

#include <algorithm>

namespace trilink::exercise {

const NodeSite* Network::node(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const NodeSite* Network::node_of(share::Nation nation) const {
  for (const auto& n : nodes)
    if (!n.hub && n.nation == nation) return &n;
  return nullptr;
}

const NodeSite* Network::hub() const {
  for (const auto& n : nodes)
    if (n.hub) return &n;
  return nullptr;
}

LinkParams Network::params(const std::string& a, const std::string& b) const {
  for (const auto& l : links)
    if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return l.params;
  return defaults;
}

double Network::fibre_m(const geo::Geodetic& a, const geo::Geodetic& b, const LinkParams& p) const {
  if (p.fibre_m) return *p.fibre_m;
  return geo::geodesic_inverse(a, b).distance_m * route_factor;
}

double Network::latency_s(const std::string& a, const std::string& b) const {
  const NodeSite* na = node(a);
  const NodeSite* nb = node(b);
  if (!na || !nb) return 0.0;
  const LinkParams p = params(a, b);
  return fibre_m(na->site, nb->site, p) / fibre_speed_mps + p.processing_s;
}

Network default_network() {
  Network n;
  n.nodes = {
      {"INDOPACOM", share::Nation::USA, geo::Geodetic::from_deg(21.389, -157.896), true},
      {"C2BMC", share::Nation::USA, geo::Geodetic::from_deg(21.389, -157.896), false},
      {"JADGE", share::Nation::JPN, geo::Geodetic::from_deg(35.748, 139.348), false},
      {"KAMD", share::Nation::KOR, geo::Geodetic::from_deg(37.090, 127.030), false},
  };
  return n;
}

namespace {

LinkParams read_params(const Fields& f, LinkParams p) {
  if (auto v = f.optional_number("fibre_km", 0.0, 50000.0)) p.fibre_m = *v * 1e3;
  p.processing_s = f.number_or("processing_ms", p.processing_s * 1e3, 0.0, 60000.0) / 1e3;
  p.jitter_s = f.number_or("jitter_ms", p.jitter_s * 1e3, 0.0, 60000.0) / 1e3;
  p.loss = f.number_or("loss", p.loss, 0.0, 1.0);
  if (f.has("outages")) {
    if (!f.node("outages").IsSequence())
      f.fail_at("outages", "expected a list of {start_s, end_s}");
    std::size_t i = 0;
    for (const auto& item : f.node("outages")) {
      const Fields o = element(f, "outages", item, i++);
      o.only({"start_s", "end_s"});
      Outage w{o.number("start_s", 0.0, 7 * 86400.0), o.number("end_s", 0.0, 7 * 86400.0)};
      if (w.end_s <= w.start_s) o.fail_at("end_s", "must be after start_s");
      p.outages.push_back(w);
    }
  }
  return p;
}

}  // namespace

Network read_network(const Fields& f) {
  Network n = default_network();
  f.only({"route_factor", "processing_ms", "jitter_ms", "loss", "nodes", "links"});
  n.route_factor = f.number_or("route_factor", n.route_factor, 1.0, 10.0);
  if (f.has("outages")) f.fail_at("outages", "outages belong to a link");
  n.defaults = read_params(f, n.defaults);
  if (f.has("nodes")) {
    if (!f.node("nodes").IsSequence()) f.fail_at("nodes", "expected a list of nodes");
    std::size_t i = 0;
    for (const auto& item : f.node("nodes")) {
      const Fields e = element(f, "nodes", item, i++);
      e.only({"name", "lat_deg", "lon_deg"});
      const std::string name = e.text("name");
      auto it = std::ranges::find(n.nodes, name, &NodeSite::name);
      if (it == n.nodes.end())
        e.fail_at("name", "unknown node '" + name + "' (INDOPACOM, C2BMC, JADGE or KAMD)");
      const double lat = e.number("lat_deg", -90.0, 90.0);
      it->site = geo::Geodetic::from_deg(lat, e.number("lon_deg", -180.0, 360.0));
    }
  }
  if (f.has("links")) {
    if (!f.node("links").IsSequence()) f.fail_at("links", "expected a list of links");
    std::size_t i = 0;
    for (const auto& item : f.node("links")) {
      const Fields e = element(f, "links", item, i++);
      e.only({"between", "fibre_km", "processing_ms", "jitter_ms", "loss", "outages"});
      const YAML::Node between = e.node("between");
      if (!between.IsSequence() || between.size() != 2)
        e.fail_at("between", "expected two node names, e.g. [KAMD, INDOPACOM]");
      LinkSpec l;
      l.a = between[0].as<std::string>();
      l.b = between[1].as<std::string>();
      for (const auto& name : {l.a, l.b})
        if (!n.node(name)) e.fail_at("between", "unknown node '" + name + "'");
      if (l.a == l.b) e.fail_at("between", "a link joins two different nodes");
      l.params = read_params(e, n.defaults);
      n.links.push_back(std::move(l));
    }
  }
  return n;
}

}  // namespace trilink::exercise
