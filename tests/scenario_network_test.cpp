// The network model (scenario/network.hpp): latency from geography against a closed form
// (the spherical great-circle distance, which differs from the WGS84 geodesic by < 0.5 %),
// a link's own fibre length and parameters in either direction, and the bundled nodes.
#include "scenario/network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using namespace trilink;
using namespace trilink::scenario;

namespace {

// Great-circle distance on a sphere of the mean Earth radius (haversine).
double great_circle_m(const geo::Geodetic& a, const geo::Geodetic& b) {
  constexpr double mean_radius_m = 6371008.8;
  const double dlat = b.lat_rad - a.lat_rad, dlon = b.lon_rad - a.lon_rad;
  const double h = std::pow(std::sin(dlat / 2), 2) +
                   std::cos(a.lat_rad) * std::cos(b.lat_rad) * std::pow(std::sin(dlon / 2), 2);
  return 2.0 * mean_radius_m * std::asin(std::sqrt(h));
}

}  // namespace

TEST(Network, BundledNodesOneHubAndANodePerNation) {
  const Network n = default_network();
  ASSERT_NE(n.hub(), nullptr);
  EXPECT_EQ(n.hub()->name, "INDOPACOM");
  EXPECT_EQ(n.node_of(Nation::JPN)->name, "JADGE");
  EXPECT_EQ(n.node_of(Nation::KOR)->name, "KAMD");
  EXPECT_EQ(n.node_of(Nation::USA)->name, "C2BMC");  // the hub is not the US national node
  EXPECT_EQ(n.node("nowhere"), nullptr);
}

TEST(Network, LatencyIsFibreFromGeographyAtTwoThirdsOfLightPlusProcessing) {
  const Network n = default_network();
  for (const auto& [a, b] : {std::pair{"KAMD", "INDOPACOM"}, std::pair{"JADGE", "INDOPACOM"}}) {
    const double d = great_circle_m(n.node(a)->site, n.node(b)->site);
    const double expected = d * n.route_factor / 2.0e8 + n.defaults.processing_s;
    EXPECT_NEAR(n.latency_s(a, b), expected, 0.005 * expected) << a << "-" << b;
    EXPECT_DOUBLE_EQ(n.latency_s(a, b), n.latency_s(b, a));
  }
  // Korea to Hawaii is about 7,300 km: some 44 ms in fibre with a 1.2 route factor.
  EXPECT_GT(n.latency_s("KAMD", "INDOPACOM"), 0.040);
  EXPECT_LT(n.latency_s("KAMD", "INDOPACOM"), 0.050);
  EXPECT_EQ(n.latency_s("KAMD", "nowhere"), 0.0);
}

TEST(Network, ALinkOfItsOwnOverridesTheDefaultsInBothDirections) {
  Network n = default_network();
  LinkSpec l{"KAMD", "INDOPACOM", {}};
  l.params.fibre_m = 10'000e3;
  l.params.processing_s = 0.010;
  n.links.push_back(l);
  EXPECT_DOUBLE_EQ(n.latency_s("INDOPACOM", "KAMD"), 10'000e3 / fibre_speed_mps + 0.010);
  EXPECT_DOUBLE_EQ(n.params("INDOPACOM", "KAMD").processing_s, 0.010);
  EXPECT_DOUBLE_EQ(n.params("JADGE", "INDOPACOM").processing_s, n.defaults.processing_s);
}
