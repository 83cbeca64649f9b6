#include "node/radar_feed.hpp"

namespace trilink::node {

std::vector<share::Detection> RadarFeed::look(std::span<const sensor::Detection> plots) {
  std::vector<share::Detection> out;
  out.reserve(plots.size());
  for (const auto& p : plots) {
    share::Detection d;
    d.header.originator = share::Originator{nation_, name_, sensor_id_};
    d.header.sequence = ++sequence_;
    d.header.time_of_validity = p.t;
    d.header.releasability = {nation_};
    d.sensor_id = sensor_id_;
    d.range_m = p.range_m;
    d.az_rad = p.az_rad;
    d.el_rad = p.el_rad;
    if (p.has_range_rate) {
      d.range_rate_mps = p.range_rate_mps;
      d.sigma_range_rate_mps = p.sigma_range_rate_mps;
    }
    d.sigma_range_m = p.sigma_range_m;
    d.sigma_az_rad = p.sigma_az_rad;
    d.sigma_el_rad = p.sigma_el_rad;
    out.push_back(d);
  }
  return out;
}

}  // namespace trilink::node
