// The network of an exercise (scenario key `network:`, docs/scenarios.md): where the nodes
// are, and what each link does to a message. Latency comes from geography: the fibre path
// length (the geodesic between the two sites times `route_factor`, or the link's own
// `fibre_km`) at 2.0e8 m/s (light in glass, refractive index ~1.5), plus a fixed processing
// delay, plus jitter uniform in [0, jitter]. A link keeps its messages in order (as a reliable
// DDS writer does): a message never overtakes the one sent before it. Loss drops a message
// with the given probability; an outage window drops every message sent inside it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/nation.hpp"
#include "geo/frames.hpp"

namespace trilink::scenario {

inline constexpr double fibre_speed_mps = 2.0e8;

struct NodeSite {
  std::string name;  // "JADGE"
  Nation nation = Nation::USA;
  geo::Geodetic site;
  bool hub = false;
};

struct Outage {
  double start_s = 0.0;  // since scenario start
  double end_s = 0.0;
};

struct LinkParams {
  std::optional<double> fibre_m;  // overrides geodesic x route_factor
  double processing_s = 0.002;
  double jitter_s = 0.001;
  double loss = 0.0;
  std::vector<Outage> outages;
};

// The settings of one link between two nodes, in both directions.
struct LinkSpec {
  std::string a, b;
  LinkParams params;
};

struct Network {
  double route_factor = 1.2;
  LinkParams defaults;  // for every link not listed (fibre from geography)
  std::vector<NodeSite> nodes;
  std::vector<LinkSpec> links;

  const NodeSite* node(const std::string& name) const;
  const NodeSite* node_of(Nation n) const;  // the national node (not the hub)
  const NodeSite* hub() const;
  // The parameters of the link between two named places (either order).
  LinkParams params(const std::string& a, const std::string& b) const;
  // Fibre length (m) between two sites under these parameters.
  double fibre_m(const geo::Geodetic& a, const geo::Geodetic& b, const LinkParams& p) const;
  // Nominal one-way latency (fibre + processing, no jitter) between two nodes.
  double latency_s(const std::string& a, const std::string& b) const;
};

// The bundled nodes: INDOPACOM (hub, Camp H. M. Smith, Hawaii), JADGE (Japan, Yokota),
// KAMD (Korea, Osan), C2BMC (the US national node, beside the hub in Hawaii).
Network default_network();

}  // namespace trilink::scenario
