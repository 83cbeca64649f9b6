#include <gtest/gtest.h>

#include "share/boundary.hpp"
#include "share/messages.hpp"

using namespace trilink;
using namespace trilink::share;

namespace {

LocalTrack national_track() {
  LocalTrack t;
  t.header.originator = Originator{Nation::JPN, "JADGE", 7};
  t.header.sequence = 12;
  t.header.releasability = Releasability::all();
  t.track_id = 301;
  t.position_ecef_m = Vector3(-3.9e6, 3.4e6, 3.7e6);
  t.velocity_ecef_mps = Vector3(1000, -500, 2000);
  t.sensors.push_back(SensorInfo{7, "fps-5", Vector3(-3.8e6, 3.5e6, 3.9e6)});
  t.sensors.push_back(SensorInfo{9, "an/tpy-2", Vector3(-3.7e6, 3.6e6, 3.8e6)});
  return t;
}

}  // namespace

TEST(Nation, RoundTripsThroughText) {
  for (Nation n : all_nations) EXPECT_EQ(parse_nation(to_string(n)), n);
  EXPECT_FALSE(parse_nation("usa"));
  EXPECT_FALSE(parse_nation("CHN"));
  EXPECT_FALSE(parse_nation(""));
}

TEST(Releasability, SetAlgebra) {
  const Releasability us_jp{Nation::USA, Nation::JPN};
  const Releasability us_kr{Nation::USA, Nation::KOR};
  EXPECT_TRUE(us_jp.contains(Nation::USA));
  EXPECT_TRUE(us_jp.contains(Nation::JPN));
  EXPECT_FALSE(us_jp.contains(Nation::KOR));
  EXPECT_EQ(us_jp.intersect(us_kr), Releasability{Nation::USA});
  EXPECT_EQ(us_jp.unite(us_kr), Releasability::all());
  EXPECT_TRUE(Releasability{Nation::USA}.is_subset_of(us_jp));
  EXPECT_FALSE(us_kr.is_subset_of(us_jp));
  EXPECT_TRUE(Releasability{}.is_subset_of(Releasability{}));
  EXPECT_TRUE(Releasability{}.empty());
  EXPECT_TRUE(us_jp.intersect(Releasability{Nation::KOR}).empty());
  EXPECT_EQ(us_jp.with(Nation::KOR), Releasability::all());
  // Properties over every pair of the eight sets.
  for (unsigned a = 0; a < 8; ++a)
    for (unsigned b = 0; b < 8; ++b) {
      Releasability x, y;
      for (Nation n : all_nations) {
        if (a & (1u << static_cast<unsigned>(n))) x = x.with(n);
        if (b & (1u << static_cast<unsigned>(n))) y = y.with(n);
      }
      EXPECT_EQ(x.intersect(y), y.intersect(x));
      EXPECT_TRUE(x.intersect(y).is_subset_of(x));
      EXPECT_TRUE(x.is_subset_of(x.unite(y)));
      EXPECT_EQ(x.is_subset_of(y), x.intersect(y) == x);
    }
}

TEST(Releasability, Text) {
  EXPECT_EQ(to_string(Releasability{Nation::JPN, Nation::USA}), "USA|JPN");
  EXPECT_EQ(to_string(Releasability::all()), "USA|JPN|KOR");
  EXPECT_EQ(to_string(Releasability{}), "none");
  EXPECT_EQ(parse_releasability("KOR | USA"), (Releasability{Nation::USA, Nation::KOR}));
  EXPECT_EQ(parse_releasability("none"), Releasability{});
  for (unsigned a = 0; a < 8; ++a) {
    Releasability x;
    for (Nation n : all_nations)
      if (a & (1u << static_cast<unsigned>(n))) x = x.with(n);
    EXPECT_EQ(parse_releasability(to_string(x)), x);
  }
  EXPECT_FALSE(parse_releasability(""));
  EXPECT_FALSE(parse_releasability("USA|"));
  EXPECT_FALSE(parse_releasability("USA|USA"));
  EXPECT_FALSE(parse_releasability("USA|CHN"));
  EXPECT_FALSE(parse_releasability("USA,JPN"));
}

TEST(Message, TypeAndHeaderOfEveryAlternative) {
  std::vector<Message> all{Detection{},        LocalTrack{}, SystemTrack{}, LaunchReport{},
                           ImpactPrediction{}, Alert{},      NodeHealth{}};
  ASSERT_EQ(all.size(), all_message_types.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(type_of(all[i]), all_message_types[i]);
    EXPECT_EQ(parse_message_type(to_string(all_message_types[i])), all_message_types[i]);
    header(all[i]).sequence = 40 + i;
    EXPECT_EQ(header(std::as_const(all[i])).sequence, 40 + i);
    EXPECT_EQ(header(all[i]).schema_version, schema_version);
  }
  EXPECT_FALSE(parse_message_type("pre_launch"));
}

TEST(Boundary, StrippingRemovesSensorIdentityAndKeepsTheTrack) {
  const LocalTrack in = national_track();
  EXPECT_FALSE(may_leave_nation(Message{in}));
  const LocalTrack out = strip_sensor_identity(in);
  EXPECT_FALSE(out.header.originator.sensor);
  EXPECT_TRUE(out.sensors.empty());
  EXPECT_EQ(out.header.originator.nation, Nation::JPN);
  EXPECT_EQ(out.header.originator.node, "JADGE");
  EXPECT_EQ(out.header.sequence, in.header.sequence);
  EXPECT_EQ(out.header.releasability, in.header.releasability);
  EXPECT_EQ(out.track_id, in.track_id);
  EXPECT_EQ(out.position_ecef_m, in.position_ecef_m);
  EXPECT_EQ(out.velocity_ecef_mps, in.velocity_ecef_mps);
  EXPECT_EQ(out.covariance, in.covariance);
  EXPECT_TRUE(may_leave_nation(Message{out}));
}

TEST(Boundary, TrackWithSensorsButNoOriginatorSensorStillMayNotLeave) {
  LocalTrack t = national_track();
  t.header.originator.sensor.reset();
  EXPECT_FALSE(may_leave_nation(Message{t}));
}

TEST(Boundary, DetectionsNeverCross) {
  Detection d;
  d.header.originator = Originator{Nation::KOR, "KAMD", 3};
  d.sensor_id = 3;
  EXPECT_FALSE(may_leave_nation(Message{d}));
  EXPECT_FALSE(cross_boundary(Message{d}));
  d.header.originator.sensor.reset();
  EXPECT_FALSE(may_leave_nation(Message{d}));
}

TEST(Boundary, CrossingStripsEveryMessageType) {
  const auto track = cross_boundary(Message{national_track()});
  ASSERT_TRUE(track);
  EXPECT_TRUE(may_leave_nation(*track));
  EXPECT_TRUE(std::get<LocalTrack>(*track).sensors.empty());

  Alert a;
  a.header.originator = Originator{Nation::KOR, "KAMD", 4};
  a.areas = {"Seoul"};
  EXPECT_FALSE(may_leave_nation(Message{a}));
  const auto alert = cross_boundary(Message{a});
  ASSERT_TRUE(alert);
  EXPECT_TRUE(may_leave_nation(*alert));
  EXPECT_FALSE(header(*alert).originator.sensor);
  EXPECT_EQ(std::get<Alert>(*alert).areas, a.areas);
}
