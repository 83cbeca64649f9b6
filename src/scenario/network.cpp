#include "scenario/network.hpp"

#include <algorithm>

namespace trilink::scenario {

const NodeSite* Network::node(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const NodeSite* Network::node_of(Nation nation) const {
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
      {"INDOPACOM", Nation::USA, geo::Geodetic::from_deg(21.389, -157.896), true},
      {"C2BMC", Nation::USA, geo::Geodetic::from_deg(21.389, -157.896), false},
      {"JADGE", Nation::JPN, geo::Geodetic::from_deg(35.748, 139.348), false},
      {"KAMD", Nation::KOR, geo::Geodetic::from_deg(37.090, 127.030), false},
  };
  return n;
}

}  // namespace trilink::scenario
