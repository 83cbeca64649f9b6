// Fuzzes the gatekeeper (share::Gatekeeper::admit) with sequences of messages a hostile peer
// could send: the bytes choose the receiving node, then, message after message, the link it
// came over, the time it arrived and every field of the message (numbers near the bundled
// exercises' as often as extreme or raw ones, so that admitted messages are reached too).
// Properties: each message is admitted or rejected under one reason, and counted once; an
// admitted message has finite numbers and advances its originator's sequence to its own.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "check.hpp"
#include "share/validation.hpp"

namespace {

using namespace trilink;
using namespace trilink::share;

// Reads the fuzzer's bytes front to back; zeros once they run out.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return v;
  }
  std::size_t pick(std::size_t n) { return u8() % n; }
  bool flag() { return (u8() & 1) != 0; }
  double unit() { return static_cast<double>(u64() >> 11) * 0x1.0p-53; }  // [0, 1)
  // Near `typical` (within +-`spread`) most of the time, else an edge or raw bits.
  double number(double typical, double spread) {
    static constexpr double edges[] = {0.0,
                                       -0.0,
                                       1e-300,
                                       -1e-300,
                                       1e300,
                                       -1e300,
                                       std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity(),
                                       std::numeric_limits<double>::denorm_min(),
                                       std::numeric_limits<double>::max(),
                                       std::numeric_limits<double>::lowest()};
    switch (pick(8)) {
      case 0:
        return edges[pick(std::size(edges))];
      case 1:
        return std::bit_cast<double>(u64());
      case 2:
        return typical;
      default:
        return typical + spread * (2.0 * unit() - 1.0);
    }
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

const std::vector<std::string> node_names{"INDOPACOM", "C2BMC", "JADGE", "KAMD", "", "X"};

Nation nation(Bytes& b) {
  return all_nations[b.pick(all_nations.size())];
}

std::string name(Bytes& b) {
  const std::size_t i = b.pick(node_names.size() + 1);
  if (i < node_names.size()) return node_names[i];
  return std::string(b.u8() * 4u, static_cast<char>('A' + b.pick(26)));  // up to 1020 chars
}

geo::UtcTime near(Bytes& b, geo::UtcTime t, double spread_s) {
  switch (b.pick(6)) {
    case 0:
      return geo::UtcTime{static_cast<std::int64_t>(b.u64())};
    case 1:
      return t;
    default:
      return geo::UtcTime{t.ns +
                          static_cast<std::int64_t>(spread_s * 1e9 * (2.0 * b.unit() - 1.0))};
  }
}

Releasability label(Bytes& b) {
  const std::uint8_t bits = b.u8();
  Releasability r;
  for (std::size_t i = 0; i < all_nations.size(); ++i)
    if ((bits >> i) & 1) r = r.with(all_nations[i]);
  return r;
}

Header header(Bytes& b, geo::UtcTime received, std::uint64_t& next_sequence) {
  Header h;
  if (b.pick(16) == 0) h.schema_version = static_cast<std::uint16_t>(b.u64());
  h.originator.nation = nation(b);
  h.originator.node = name(b);
  if (b.pick(8) == 0) h.originator.sensor = static_cast<std::uint32_t>(b.u64());
  h.session_start = near(b, received.plus_seconds(-600.0), 1200.0);
  switch (b.pick(4)) {
    case 0:
      h.sequence = b.u64();
      break;
    case 1:
      h.sequence = b.u8();
      break;
    default:
      h.sequence = ++next_sequence;
  }
  h.time_of_validity = near(b, received, 5.0);
  h.releasability = b.pick(4) == 0 ? label(b) : Releasability::all();
  return h;
}

Vector3 position(Bytes& b) {
  // About 100 km above 38N 135E (the Sea of Japan), or anywhere.
  const Vector3 typical(-3'573e3, 3'573e3, 3'968e3);
  return {b.number(typical.x(), 2e6), b.number(typical.y(), 2e6), b.number(typical.z(), 2e6)};
}
Vector3 velocity(Bytes& b) {
  return {b.number(0.0, 5e3), b.number(0.0, 5e3), b.number(0.0, 5e3)};
}

template <int N>
Eigen::Matrix<double, N, N> covariance(Bytes& b, double sigma) {
  using M = Eigen::Matrix<double, N, N>;
  switch (b.pick(4)) {
    case 0: {  // any entries
      M c;
      for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) c(i, j) = b.number(0.0, sigma * sigma);
      return c;
    }
    case 1: {  // A A^T: positive semi-definite
      M a;
      for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) a(i, j) = b.number(0.0, sigma);
      return a * a.transpose();
    }
    default: {
      M c = M::Zero();
      for (int i = 0; i < N; ++i) {
        const double s = b.number(sigma, sigma);
        c(i, i) = s * s;
      }
      return c;
    }
  }
}
Matrix6 state_covariance(Bytes& b) {
  Matrix6 c = covariance<6>(b, 100.0);
  if (b.flag()) c.bottomRightCorner<3, 3>() /= 1e4;  // velocity sigmas near 1 m/s
  return c;
}

template <typename T>
std::vector<T> some(Bytes& b, std::size_t max, auto make) {
  std::vector<T> v(b.pick(max + 1));
  for (auto& x : v) x = make();
  return v;
}

Message message(Bytes& b, geo::UtcTime received, std::uint64_t& next_sequence) {
  const Header h = header(b, received, next_sequence);
  const auto status = static_cast<TrackStatus>(b.pick(4));
  const auto phase = static_cast<FlightPhase>(b.pick(3));
  switch (b.pick(all_message_types.size())) {
    case 0: {
      Detection d;
      d.header = h;
      d.sensor_id = b.u8();
      d.range_m = b.number(1e6, 1e6);
      d.az_rad = b.number(1.0, 3.0);
      d.el_rad = b.number(0.3, 1.0);
      if (b.flag()) d.range_rate_mps = b.number(0.0, 3e3);
      d.sigma_range_m = b.number(50.0, 50.0);
      d.sigma_az_rad = b.number(1e-3, 1e-3);
      d.sigma_el_rad = b.number(1e-3, 1e-3);
      if (b.flag()) d.sigma_range_rate_mps = b.number(1.0, 1.0);
      return d;
    }
    case 1: {
      LocalTrack t;
      t.header = h;
      t.track_id = b.flag() ? b.u64() : b.u8();
      t.position_ecef_m = position(b);
      t.velocity_ecef_mps = velocity(b);
      if (b.flag()) t.acceleration_ecef_mps2 = Vector3(b.number(0, 100), b.number(0, 100), 0);
      t.covariance = state_covariance(b);
      t.status = status;
      t.phase = phase;
      t.sensors = some<SensorInfo>(b, 2, [&] { return SensorInfo{b.u8(), name(b), position(b)}; });
      return t;
    }
    case 2: {
      SystemTrack t;
      t.header = h;
      t.system_track_id = b.u8();
      t.position_ecef_m = position(b);
      t.velocity_ecef_mps = velocity(b);
      t.covariance = state_covariance(b);
      t.status = status;
      t.phase = phase;
      t.contributions = some<Contribution>(b, 4, [&] { return Contribution{nation(b), b.u8()}; });
      if (b.pick(16) == 0) t.contributions.resize(b.u8() + 1);
      return t;
    }
    case 3: {
      LaunchReport r;
      r.header = h;
      r.system_track_id = b.u8();
      r.launch_point_ecef_m = position(b);
      r.launch_point_covariance_m2 = covariance<3>(b, 1e3);
      r.launch_time = near(b, received.plus_seconds(-300.0), 600.0);
      r.launch_time_sigma_s = b.number(2.0, 2.0);
      return r;
    }
    case 4: {
      ImpactPrediction p;
      p.header = h;
      p.system_track_id = b.u8();
      p.impact_point_ecef_m = position(b);
      p.semi_major_m = b.number(1e4, 1e4);
      p.semi_minor_m = b.number(5e3, 5e3);
      p.major_axis_azimuth_rad = b.number(1.0, 4.0);
      p.time_of_impact = near(b, received.plus_seconds(300.0), 600.0);
      return p;
    }
    case 5: {
      Alert a;
      a.header = h;
      a.alert_id = b.u8();
      a.system_track_id = b.u8();
      a.level = static_cast<AlertLevel>(b.pick(6));
      a.areas = some<std::string>(b, 3, [&] { return name(b); });
      if (b.pick(16) == 0) a.areas.resize(b.u8() * 2u);
      if (b.flag()) a.time_to_impact_s = b.number(300.0, 300.0);
      a.text = name(b);
      return a;
    }
    default: {
      NodeHealth n;
      n.header = h;
      n.heartbeat = b.u64();
      n.radars_operating = b.u8();
      n.radars_total = b.flag() ? static_cast<std::uint32_t>(b.u64()) : b.u8();
      n.links = some<LinkState>(b, 3, [&] {
        return LinkState{name(b), static_cast<LinkStatus>(b.pick(3))};
      });
      return n;
    }
  }
}

Policy bundled_policy() {
  Policy p;
  p.nations = {NationPolicy{Nation::USA, {"INDOPACOM", "C2BMC"}, Releasability::all()},
               NationPolicy{Nation::JPN, {"JADGE"}, {Nation::USA, Nation::JPN}},
               NationPolicy{Nation::KOR, {"KAMD"}, {Nation::USA, Nation::KOR}}};
  for (MessageType t :
       {MessageType::local_track, MessageType::system_track, MessageType::launch_report,
        MessageType::impact_prediction, MessageType::alert, MessageType::node_health})
    p.shared.push_back(SharedType{t, Releasability::all()});
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Policy policy = bundled_policy();
  Bytes b(data, size);
  GatekeeperConfig config;
  switch (b.pick(3)) {
    case 0:
      config = {Nation::USA, "INDOPACOM", "INDOPACOM", {}};
      break;
    case 1:
      config = {Nation::JPN, "JADGE", "INDOPACOM", {}};
      break;
    default:
      config = {Nation::KOR, "KAMD", "INDOPACOM", {}};
  }
  if (b.pick(4) == 0) {  // tighter limits, so that the rate and track-id caps are reached
    config.limits.max_rate_per_s = 1.0 + b.u8();
    config.limits.rate_burst = 1.0 + b.pick(8);
    config.limits.max_track_ids = b.pick(4);
    config.limits.track_id_expiry_s = b.u8();
  }
  Gatekeeper gate(policy, config);
  geo::UtcTime received{1'511'893'020'000'000'000};  // F06's launch day
  std::uint64_t next_sequence = 0;
  std::uint64_t seen = 0;
  while (!b.empty() && seen < 256) {
    received = received.plus_seconds(b.pick(8) == 0 ? -b.unit() : 10.0 * b.unit());
    std::string from = name(b);
    const Message m = message(b, received, next_sequence);
    const Verdict v = gate.admit(m, from, received);
    ++seen;
    FUZZ_CHECK(gate.admitted() + gate.rejected_total() == seen);
    FUZZ_CHECK(v.admitted() == v.detail.empty());
    if (v.admitted()) {
      const Header& h = share::header(m);
      FUZZ_CHECK(all_finite(m));
      FUZZ_CHECK(gate.last_sequence(h.originator.nation, h.originator.node) == h.sequence);
      FUZZ_CHECK(h.originator.node == from);
    }
  }
  return 0;
}
