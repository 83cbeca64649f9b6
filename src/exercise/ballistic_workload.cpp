#include "exercise/ballistic_workload.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/rng.hpp"
#include "track/ballistic_model.hpp"

namespace trilink::exercise {

std::size_t BallisticWorkload::measurements() const {
  std::size_t n = 0;
  for (const auto& s : scans) n += s.detections.size();
  return n;
}

BallisticWorkload generate_ballistic(const BallisticWorkloadConfig& c) {
  Rng truth_rng = Rng::stream(c.seed, 1);
  Rng sensor_rng = Rng::stream(c.seed, 2);
  BallisticWorkload w;
  w.radar = c.radar;
  const geo::LocalFrame cloud(geo::Geodetic::from_deg(
      c.centre_lat_deg, c.centre_lon_deg, truth_rng.uniform(c.centre_min_h_m, c.centre_max_h_m)));
  const Eigen::Vector3d nominal_v = cloud.ecef_vector(c.nominal_velocity_enu_mps);
  std::vector<track::Vec9> state(c.targets);
  for (auto& x : state) {
    const geo::Enu offset{
        Eigen::Vector3d(truth_rng.uniform(-c.half_horizontal_m, c.half_horizontal_m),
                        truth_rng.uniform(-c.half_horizontal_m, c.half_horizontal_m),
                        truth_rng.uniform(-c.half_vertical_m, c.half_vertical_m))};
    const Eigen::Vector3d v =
        nominal_v + Eigen::Vector3d(truth_rng.normal(0.0, c.velocity_spread_mps),
                                    truth_rng.normal(0.0, c.velocity_spread_mps),
                                    truth_rng.normal(0.0, c.velocity_spread_mps));
    x << cloud.to_ecef(offset).r_m, v, Eigen::Vector3d::Zero();
  }
  const track::BallisticDynamics dynamics;  // no drag
  const geo::LocalFrame radar(c.radar.site);
  const double cloud_az_rad = geo::to_range_az_el(radar.to_enu(cloud.origin_ecef())).az_rad;
  for (std::uint32_t k = 0; k < c.scans; ++k) {
    BallisticScan scan;
    scan.t_s = k * c.dt_s;
    if (k > 0)
      for (auto& x : state) x = dynamics.propagate(x, c.dt_s, false);
    scan.truth.reserve(state.size());
    for (const auto& x : state)
      scan.truth.push_back(BallisticTruth{geo::Ecef{x.head<3>()}, x.segment<3>(3)});
    for (const auto& x : state) {
      if (!sensor_rng.bernoulli(c.radar.pd)) continue;
      const geo::RangeAzEl rae = geo::to_range_az_el(radar.to_enu(geo::Ecef{x.head<3>()}));
      if (rae.el_rad < 0.0) continue;  // below the radar's horizon
      scan.detections.push_back(geo::RangeAzEl{
          rae.range_m + sensor_rng.normal(0.0, c.radar.sigma_range_m),
          geo::wrap_two_pi(rae.az_rad + sensor_rng.normal(0.0, c.radar.sigma_az_rad)),
          rae.el_rad + sensor_rng.normal(0.0, c.radar.sigma_el_rad)});
    }
    const std::uint32_t clutter = sensor_rng.poisson(c.clutter_per_scan);
    for (std::uint32_t i = 0; i < clutter; ++i) {
      const double range_m = sensor_rng.uniform(c.clutter_min_range_m, c.clutter_max_range_m);
      const double az_rad = geo::wrap_two_pi(
          cloud_az_rad + sensor_rng.uniform(-c.clutter_half_az_rad, c.clutter_half_az_rad));
      const double el_rad = sensor_rng.uniform(c.clutter_min_el_rad, c.clutter_max_el_rad);
      scan.detections.push_back(geo::RangeAzEl{range_m, az_rad, el_rad});
    }
    // Fisher-Yates: a tracker must not learn anything from the order.
    for (std::size_t i = scan.detections.size(); i > 1; --i)
      std::swap(scan.detections[i - 1],
                scan.detections[static_cast<std::size_t>(sensor_rng.uniform() * i)]);
    w.scans.push_back(std::move(scan));
  }
  return w;
}

track::Ekf<track::BallisticModel> ballistic_workload_filter() {
  track::BallisticModel model;
  model.q_vel_m2ps3 = 1.0;
  return {model};
}

track::TrackerConfig ballistic_workload_tracker_config() {
  track::TrackerConfig c;
  c.gate.chi2 = 16.27;
  c.gate.grid_cell_m = 5000.0;
  c.initiator.max_speed_mps = 9000.0;
  c.initiator.max_gap_s = 2.5;
  c.initiator.grid_cell_m = 5000.0;
  c.confirmer.hits = 4;
  c.confirmer.window = 5;
  c.deleter.misses = 3;
  return c;
}

namespace {

constexpr const char* kTruthHeader = "scan,t_s,target,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps";
constexpr const char* kDetectionsHeader = "scan,t_s,range_m,az_deg,el_deg";

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

struct Row {
  std::size_t line = 0;
  std::vector<double> v;
};

struct Table {
  std::string path;
  std::vector<std::string> columns;
  std::vector<Row> rows;

  std::string at(const Row& r) const { return path + ":" + std::to_string(r.line); }
  std::string at(const Row& r, std::size_t field) const { return at(r) + ": " + columns[field]; }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// A CSV of finite numbers under a known header; every row has the header's field count.
Expected<Table> read_table(const std::string& path, const std::string& header) {
  std::ifstream in(path);
  if (!in) return fail(path, "cannot open");
  std::string line;
  if (!std::getline(in, line) || line != header)
    return fail(path + ":1", "expected the header '" + header + "'");
  Table t{path, split(header), {}};
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto fields = split(line);
    if (fields.size() != t.columns.size())
      return fail(path + ":" + std::to_string(line_no),
                  "expected " + std::to_string(t.columns.size()) + " fields, got " +
                      std::to_string(fields.size()));
    Row r{line_no, {}};
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string& f = fields[i];
      char* end = nullptr;
      const double v = std::strtod(f.c_str(), &end);
      if (f.empty() || end != f.c_str() + f.size() || !std::isfinite(v))
        return fail(t.at(r, i), "not a finite number: '" + f + "'");
      r.v.push_back(v);
    }
    t.rows.push_back(std::move(r));
  }
  return t;
}

// A whole number in [0, max] in field `i` of row `r`.
Expected<std::size_t> whole(const Table& t, const Row& r, std::size_t i, double max) {
  const double v = r.v[i];
  if (v < 0.0 || v != std::floor(v) || v > max)
    return fail(t.at(r, i), "must be a whole number in [0, " + num(max) + "], got " + num(v));
  return static_cast<std::size_t>(v);
}

// Where a scan's time was first read, so that a disagreeing row can name both.
struct ScanTime {
  double t_s = 0.0;
  std::string where;
};

}  // namespace

Expected<void> export_ballistic(const BallisticWorkload& w, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, "cannot create: " + ec.message());
  const std::string truth_path = dir + "/truth.csv", det_path = dir + "/detections.csv";
  {
    std::ofstream t(truth_path + ".partial"), d(det_path + ".partial");
    t << kTruthHeader << '\n';
    d << kDetectionsHeader << '\n';
    for (std::size_t k = 0; k < w.scans.size(); ++k) {
      const auto& s = w.scans[k];
      for (std::size_t i = 0; i < s.truth.size(); ++i) {
        const Eigen::Vector3d& p = s.truth[i].position.r_m;
        const Eigen::Vector3d& v = s.truth[i].velocity_mps;
        t << k << ',' << num(s.t_s) << ',' << i << ',' << num(p.x()) << ',' << num(p.y()) << ','
          << num(p.z()) << ',' << num(v.x()) << ',' << num(v.y()) << ',' << num(v.z()) << '\n';
      }
      for (const auto& z : s.detections)
        d << k << ',' << num(s.t_s) << ',' << num(z.range_m) << ','
          << num(geo::rad_to_deg(z.az_rad)) << ',' << num(geo::rad_to_deg(z.el_rad)) << '\n';
    }
    if (!t || !d) return fail(dir, "write failed");
  }
  std::filesystem::rename(truth_path + ".partial", truth_path, ec);
  if (!ec) std::filesystem::rename(det_path + ".partial", det_path, ec);
  if (ec) return fail(dir, "cannot rename into place: " + ec.message());
  return {};
}

Expected<BallisticWorkload> import_ballistic(const std::string& dir, const BallisticRadar& radar) {
  const auto truth = read_table(dir + "/truth.csv", kTruthHeader);
  if (!truth) return std::unexpected(truth.error());
  const auto dets = read_table(dir + "/detections.csv", kDetectionsHeader);
  if (!dets) return std::unexpected(dets.error());

  BallisticWorkload w;
  w.radar = radar;
  std::vector<std::optional<ScanTime>> times;
  // The scan of a row, its time checked against the scan's other rows.
  const auto scan_of = [&](const Table& t, const Row& r) -> Expected<std::size_t> {
    const auto k = whole(t, r, 0, 1e6);
    if (!k) return k;
    if (*k >= w.scans.size()) {
      w.scans.resize(*k + 1);
      times.resize(*k + 1);
    }
    if (!times[*k]) {
      times[*k] = ScanTime{r.v[1], t.at(r)};
      w.scans[*k].t_s = r.v[1];
    } else if (times[*k]->t_s != r.v[1]) {
      return fail(t.at(r, 1), "scan " + std::to_string(*k) + " is at " + num(r.v[1]) +
                                  " s here but at " + num(times[*k]->t_s) + " s on " +
                                  times[*k]->where);
    }
    return k;
  };

  std::vector<std::vector<bool>> seen;  // per scan, per object
  std::size_t objects = 0;
  for (const Row& r : truth->rows) {
    const auto k = scan_of(*truth, r);
    if (!k) return std::unexpected(k.error());
    const auto i = whole(*truth, r, 2, 1e7);
    if (!i) return std::unexpected(i.error());
    auto& scan = w.scans[*k];
    if (scan.truth.size() <= *i) scan.truth.resize(*i + 1);
    if (seen.size() <= *k) seen.resize(*k + 1);
    if (seen[*k].size() <= *i) seen[*k].resize(*i + 1, false);
    if (seen[*k][*i])
      return fail(truth->at(r, 2),
                  "object " + std::to_string(*i) + " appears twice in scan " + std::to_string(*k));
    seen[*k][*i] = true;
    objects = std::max(objects, *i + 1);
    scan.truth[*i] = BallisticTruth{geo::Ecef{Eigen::Vector3d(r.v[3], r.v[4], r.v[5])},
                                    Eigen::Vector3d(r.v[6], r.v[7], r.v[8])};
  }
  for (const Row& r : dets->rows) {
    const auto k = scan_of(*dets, r);
    if (!k) return std::unexpected(k.error());
    const double range_m = r.v[2], az_deg = r.v[3], el_deg = r.v[4];
    if (range_m < 0.0) return fail(dets->at(r, 2), "must be >= 0, got " + num(range_m));
    if (az_deg < 0.0 || az_deg >= 360.0)
      return fail(dets->at(r, 3), "must be in [0, 360), got " + num(az_deg));
    if (el_deg < -90.0 || el_deg > 90.0)
      return fail(dets->at(r, 4), "must be in [-90, 90], got " + num(el_deg));
    w.scans[*k].detections.push_back(
        geo::RangeAzEl{range_m, geo::deg_to_rad(az_deg), geo::deg_to_rad(el_deg)});
  }

  // Whole-file checks: no scan missing, every object in every scan, time moving forward.
  seen.resize(w.scans.size());
  for (std::size_t k = 0; k < w.scans.size(); ++k) {
    if (!times[k])
      return fail(dir, "scan " + std::to_string(k) + " has no row in truth.csv or detections.csv");
    if (objects > 0) {
      seen[k].resize(objects, false);
      for (std::size_t i = 0; i < objects; ++i)
        if (!seen[k][i])
          return fail(truth->path, "scan " + std::to_string(k) + " has no row for object " +
                                       std::to_string(i) + " (objects 0.." +
                                       std::to_string(objects - 1) + " appear)");
    }
    if (k > 0 && !(times[k]->t_s > times[k - 1]->t_s))
      return fail(times[k]->where + ": t_s", "scan " + std::to_string(k) + " at " +
                                                 num(times[k]->t_s) + " s is not after scan " +
                                                 std::to_string(k - 1) + " at " +
                                                 num(times[k - 1]->t_s) + " s");
  }
  return w;
}

}  // namespace trilink::exercise
