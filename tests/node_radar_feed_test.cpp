// A radar feed (node/radar_feed.hpp): each look's plots become share::Detection messages in
// order, numbered on from the feed's previous look, stamped with the radar's nation, name and
// sensor id, labelled for that nation only, never allowed across the national boundary.
// Reference: a target placed by hand and seen by a practically noise-free radar; what the feed
// publishes is its geometric range, azimuth and elevation from the site (geo::to_range_az_el in
// the site's east-north-up frame) and its range-rate (line of sight . velocity), so the node's
// measurement model puts the detection back on the target.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "geo/angles.hpp"
#include "geo/frames.hpp"
#include "node/national_tracker.hpp"
#include "node/radar_feed.hpp"
#include "sensor/radar.hpp"
#include "share/boundary.hpp"
#include "share/validation.hpp"

using namespace trilink;
using trilink::Nation;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};

sensor::Detection plot(double t_s, double range_m, double az_rad, double el_rad) {
  sensor::Detection d;
  d.radar_index = 3;
  d.t = t0.plus_seconds(t_s);
  d.range_m = range_m;
  d.az_rad = az_rad;
  d.el_rad = el_rad;
  d.sigma_range_m = 25.0;
  d.sigma_az_rad = 2e-4;
  d.sigma_el_rad = 3e-4;
  d.snr_db = 20.0;
  d.truth_id = 9;
  return d;
}

// A radar that reports practically the truth: no bias, noise of a nanometre and a nanoradian,
// Pd ~ 1 at every range that matters, no clutter.
sensor::RadarParams exact_radar() {
  sensor::RadarParams p;
  p.name = "GreenPine-C";
  p.nation = Nation::KOR;
  p.site = geo::Geodetic::from_deg(36.8, 127.9, 250.0);
  p.max_range_m = 1500e3;
  p.revisit_s = 1.0;
  p.sigma_range_m = 1e-9;
  p.sigma_az_rad = 1e-9;
  p.sigma_el_rad = 1e-9;
  p.sigma_range_rate_mps = 1e-9;
  p.ref_range_m = 1000e3;
  p.ref_snr_db = 60.0;
  p.fixed_bias = sensor::MeasurementBias{};
  return p;
}

}  // namespace

TEST(RadarFeed, PublishesEachPlotStampedForItsRadarAndNation) {
  node::RadarFeed feed(Nation::KOR, "GreenPine-C", 1);
  EXPECT_EQ(feed.name(), "GreenPine-C");
  EXPECT_EQ(feed.sensor_id(), 1u);
  const std::vector<sensor::Detection> plots{plot(2.0, 400e3, 0.5, 0.2),
                                             plot(2.0, 600e3, 6.2, 0.05)};
  const auto out = feed.look(plots);
  ASSERT_EQ(out.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const share::Detection& d = out[i];
    EXPECT_EQ(d.header.schema_version, share::schema_version);
    EXPECT_EQ(d.header.originator, (share::Originator{Nation::KOR, "GreenPine-C", 1u}));
    EXPECT_EQ(d.header.sequence, i + 1);
    EXPECT_EQ(d.header.time_of_validity, t0.plus_seconds(2.0));
    EXPECT_EQ(d.header.releasability, share::Releasability{Nation::KOR});
    EXPECT_EQ(d.sensor_id, 1u);
    EXPECT_EQ(d.range_m, plots[i].range_m);
    EXPECT_EQ(d.az_rad, plots[i].az_rad);
    EXPECT_EQ(d.el_rad, plots[i].el_rad);
    EXPECT_EQ(d.sigma_range_m, 25.0);
    EXPECT_EQ(d.sigma_az_rad, 2e-4);
    EXPECT_EQ(d.sigma_el_rad, 3e-4);
    EXPECT_FALSE(d.range_rate_mps.has_value());  // the radar reports none
    EXPECT_FALSE(d.sigma_range_rate_mps.has_value());
  }
}

TEST(RadarFeed, SequenceNumbersRunOnAcrossLooksAndAnEmptyLookTakesNone) {
  node::RadarFeed feed(Nation::JPN, "FPS-5", 0);
  const std::vector<sensor::Detection> three{plot(0, 1e5, 1, 0.1), plot(0, 2e5, 1, 0.1),
                                             plot(0, 3e5, 1, 0.1)};
  const std::vector<sensor::Detection> two{plot(1, 1e5, 1, 0.1), plot(1, 2e5, 1, 0.1)};
  std::vector<std::uint64_t> seq;
  for (const auto& d : feed.look(three)) seq.push_back(d.header.sequence);
  EXPECT_TRUE(feed.look({}).empty());
  for (const auto& d : feed.look(two)) seq.push_back(d.header.sequence);
  EXPECT_EQ(seq, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  // Another feed numbers its own plots from 1.
  node::RadarFeed other(Nation::JPN, "FPS-3", 1);
  EXPECT_EQ(other.look(two).front().header.sequence, 1u);
}

TEST(RadarFeed, RangeRateOnlyWhenTheRadarMeasuresIt) {
  node::RadarFeed feed(Nation::USA, "TPY-2", 2);
  sensor::Detection p = plot(0.0, 1e6, 3.0, 0.3);
  p.has_range_rate = true;
  p.range_rate_mps = -1234.5;
  p.sigma_range_rate_mps = 0.7;
  const std::vector<sensor::Detection> plots{p};
  const auto out = feed.look(plots);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].range_rate_mps.has_value());
  EXPECT_EQ(*out[0].range_rate_mps, -1234.5);
  ASSERT_TRUE(out[0].sigma_range_rate_mps.has_value());
  EXPECT_EQ(*out[0].sigma_range_rate_mps, 0.7);
}

TEST(RadarFeed, ADetectionNeverLeavesItsNation) {
  node::RadarFeed feed(Nation::KOR, "GreenPine-C", 0);
  const std::vector<sensor::Detection> plots{plot(0.0, 4e5, 1.0, 0.2)};
  const share::Message m = feed.look(plots).front();
  EXPECT_FALSE(share::may_leave_nation(m));
  EXPECT_FALSE(share::cross_boundary(m).has_value());
  // Even under a policy that would share everything else, the hub would not take it.
  share::Policy policy;
  policy.nations = {share::NationPolicy{Nation::KOR, {"GreenPine-C"}, share::Releasability::all()}};
  policy.shared = {share::SharedType{share::MessageType::local_track, share::Releasability::all()}};
  share::Gatekeeper gate(policy,
                         share::GatekeeperConfig{Nation::USA, "INDOPACOM", "INDOPACOM", {}});
  const share::Verdict v = gate.admit(m, "GreenPine-C", share::header(m).time_of_validity);
  EXPECT_FALSE(v.admitted());
  EXPECT_EQ(v.rejection, share::Rejection::type_not_shared) << v.detail;
}

// A hand-placed target seen by an exact radar: the feed publishes its geometric range,
// azimuth and elevation from the site, and its range-rate; the national tracker's model of the
// radar puts the published detection back on the target.
TEST(RadarFeed, PublishesTheGeometryOfAHandPlacedTarget) {
  const sensor::RadarParams params = exact_radar();
  sensor::Radar radar(params, 0, 11);
  const geo::LocalFrame frame(params.site);
  struct Case {
    double e, n, u;
  };
  for (const Case c :
       {Case{200e3, 300e3, 150e3}, Case{-5e3, 800e3, 120e3}, Case{-400e3, -100e3, 300e3}}) {
    sensor::Target target;
    target.object_id = 4;
    target.position = frame.to_ecef(geo::Enu{geo::Vec3(c.e, c.n, c.u)});
    target.velocity_mps = frame.ecef_vector(geo::Vec3(1500.0, -700.0, 300.0));
    target.height_m = geo::to_geodetic(target.position).h_m;
    target.rcs_m2 = 1.0;
    const std::vector<sensor::Target> targets{target};
    const auto plots = radar.scan(t0, targets);
    ASSERT_EQ(plots.size(), 1u) << c.e << " " << c.n;
    node::RadarFeed feed(Nation::KOR, params.name, 0);
    const share::Detection d = feed.look(plots).front();

    const geo::RangeAzEl ref = geo::to_range_az_el(geo::Enu{geo::Vec3(c.e, c.n, c.u)});
    EXPECT_NEAR(d.range_m, ref.range_m, 1e-6);
    EXPECT_NEAR(geo::wrap_pi(d.az_rad - ref.az_rad), 0.0, 1e-8);  // noise: 1e-9 rad
    EXPECT_NEAR(d.el_rad, ref.el_rad, 1e-8);
    EXPECT_NEAR(d.range_m, std::sqrt(c.e * c.e + c.n * c.n + c.u * c.u), 1e-6);
    EXPECT_NEAR(d.el_rad, std::atan2(c.u, std::hypot(c.e, c.n)), 1e-8);
    const geo::Vec3 los = geo::Vec3(c.e, c.n, c.u).normalized();
    ASSERT_TRUE(d.range_rate_mps.has_value());
    EXPECT_NEAR(*d.range_rate_mps, los.dot(geo::Vec3(1500.0, -700.0, 300.0)), 1e-6);

    const track::Measurement m = node::measurement_of(
        params, {d.range_m, d.az_rad, d.el_rad}, {d.sigma_range_m, d.sigma_az_rad, d.sigma_el_rad});
    const track::RangeAzEl model(params.site, track::Vec3(1.0, 1e-4, 1e-4));
    EXPECT_LT((model.position(m.z) - target.position.r_m).norm(), 1e-3);
  }
}
