#include "exercise/ncv_workload.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/rng.hpp"

namespace trilink::exercise {

std::size_t NcvWorkload::measurements() const {
  std::size_t n = 0;
  for (const auto& s : scans) n += s.detections.size();
  return n;
}

NcvWorkload generate_ncv(const NcvWorkloadConfig& c) {
  Rng truth_rng = Rng::stream(c.seed, 1);
  Rng sensor_rng = Rng::stream(c.seed, 2);
  NcvWorkload w;
  w.sigma_m = c.sigma_m;
  std::vector<NcvTruth> state(c.targets);
  for (auto& s : state) {
    s.p = {truth_rng.uniform(-100e3, 100e3), truth_rng.uniform(-100e3, 100e3),
           truth_rng.uniform(2e3, 20e3)};
    s.v = {truth_rng.normal(0.0, 200.0), truth_rng.normal(0.0, 200.0), truth_rng.normal(0.0, 10.0)};
  }
  // Exact discretisation of white-noise acceleration: per axis
  // [dp; dv] ~ N(0, q [dt^3/3 dt^2/2; dt^2/2 dt]), drawn through its Cholesky factor.
  const double dt = c.dt_s, q = c.q_m2ps3;
  const double a = std::sqrt(q * dt * dt * dt / 3.0);
  const double b = (q * dt * dt / 2.0) / a;
  const double d = std::sqrt(q * dt - b * b);
  for (std::uint32_t k = 0; k < c.scans; ++k) {
    NcvScan scan;
    scan.t_s = k * dt;
    if (k > 0) {
      for (auto& s : state) {
        for (int i = 0; i < 3; ++i) {
          const double n1 = truth_rng.normal(), n2 = truth_rng.normal();
          s.p[i] += dt * s.v[i] + a * n1;
          s.v[i] += b * n1 + d * n2;
        }
      }
    }
    scan.truth = state;
    for (const auto& s : state) {
      if (!sensor_rng.bernoulli(c.pd)) continue;
      scan.detections.push_back(s.p + Eigen::Vector3d(sensor_rng.normal(0.0, c.sigma_m),
                                                      sensor_rng.normal(0.0, c.sigma_m),
                                                      sensor_rng.normal(0.0, c.sigma_m)));
    }
    const std::uint32_t clutter = sensor_rng.poisson(c.clutter_per_scan);
    for (std::uint32_t i = 0; i < clutter; ++i)
      scan.detections.emplace_back(sensor_rng.uniform(-100e3, 100e3),
                                   sensor_rng.uniform(-100e3, 100e3),
                                   sensor_rng.uniform(2e3, 20e3));
    // Fisher-Yates: a tracker must not learn anything from the order.
    for (std::size_t i = scan.detections.size(); i > 1; --i)
      std::swap(scan.detections[i - 1],
                scan.detections[static_cast<std::size_t>(sensor_rng.uniform() * i)]);
    w.scans.push_back(std::move(scan));
  }
  return w;
}

namespace {

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Expected<void> export_ncv(const NcvWorkload& w, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, "cannot create: " + ec.message());
  const std::string truth_path = dir + "/truth.csv", det_path = dir + "/detections.csv";
  {
    std::ofstream t(truth_path + ".partial"), d(det_path + ".partial");
    t << "scan,t_s,target,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps\n";
    d << "scan,t_s,x_m,y_m,z_m\n";
    for (std::size_t k = 0; k < w.scans.size(); ++k) {
      const auto& s = w.scans[k];
      for (std::size_t i = 0; i < s.truth.size(); ++i) {
        const auto& x = s.truth[i];
        t << k << ',' << num(s.t_s) << ',' << i << ',' << num(x.p.x()) << ',' << num(x.p.y()) << ','
          << num(x.p.z()) << ',' << num(x.v.x()) << ',' << num(x.v.y()) << ',' << num(x.v.z())
          << '\n';
      }
      for (const auto& z : s.detections)
        d << k << ',' << num(s.t_s) << ',' << num(z.x()) << ',' << num(z.y()) << ',' << num(z.z())
          << '\n';
    }
    if (!t || !d) return fail(dir, "write failed");
  }
  std::filesystem::rename(truth_path + ".partial", truth_path, ec);
  if (!ec) std::filesystem::rename(det_path + ".partial", det_path, ec);
  if (ec) return fail(dir, "cannot rename into place: " + ec.message());
  return {};
}

namespace {

// Reads a CSV of numbers with a known header; each row must have `cols` fields.
Expected<std::vector<std::vector<double>>> read_csv(const std::string& path,
                                                    const std::string& header, std::size_t cols) {
  std::ifstream in(path);
  if (!in) return fail(path, "cannot open");
  std::string line;
  if (!std::getline(in, line) || line != header)
    return fail(path + ":1", "expected the header '" + header + "'");
  std::vector<std::vector<double>> rows;
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) {
      char* end = nullptr;
      const double v = std::strtod(field.c_str(), &end);
      if (field.empty() || end != field.c_str() + field.size() || !std::isfinite(v))
        return fail(
            path + ":" + std::to_string(line_no),
            "field " + std::to_string(row.size() + 1) + " is not a finite number: '" + field + "'");
      row.push_back(v);
    }
    if (row.size() != cols)
      return fail(
          path + ":" + std::to_string(line_no),
          "expected " + std::to_string(cols) + " fields, got " + std::to_string(row.size()));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Expected<NcvWorkload> import_ncv(const std::string& dir, double sigma_m) {
  const auto truth =
      read_csv(dir + "/truth.csv", "scan,t_s,target,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps", 9);
  if (!truth) return std::unexpected(truth.error());
  const auto dets = read_csv(dir + "/detections.csv", "scan,t_s,x_m,y_m,z_m", 5);
  if (!dets) return std::unexpected(dets.error());
  NcvWorkload w;
  w.sigma_m = sigma_m;
  const auto scan_of = [&](double s, const std::string& file,
                           std::size_t row) -> Expected<std::size_t> {
    if (s < 0 || s != std::floor(s) || s > 1e6)
      return fail(dir + "/" + file + ":" + std::to_string(row + 2),
                  "scan must be a whole number >= 0");
    const auto k = static_cast<std::size_t>(s);
    if (k >= w.scans.size()) w.scans.resize(k + 1);
    return k;
  };
  for (std::size_t r = 0; r < truth->size(); ++r) {
    const auto& row = (*truth)[r];
    const auto k = scan_of(row[0], "truth.csv", r);
    if (!k) return std::unexpected(k.error());
    auto& scan = w.scans[*k];
    scan.t_s = row[1];
    const auto target = static_cast<std::size_t>(row[2]);
    if (row[2] < 0 || row[2] != std::floor(row[2]) || row[2] > 1e7)
      return fail(dir + "/truth.csv:" + std::to_string(r + 2),
                  "target must be a whole number >= 0");
    if (scan.truth.size() <= target) scan.truth.resize(target + 1);
    scan.truth[target] = NcvTruth{{row[3], row[4], row[5]}, {row[6], row[7], row[8]}};
  }
  for (std::size_t r = 0; r < dets->size(); ++r) {
    const auto& row = (*dets)[r];
    const auto k = scan_of(row[0], "detections.csv", r);
    if (!k) return std::unexpected(k.error());
    w.scans[*k].t_s = row[1];
    w.scans[*k].detections.emplace_back(row[2], row[3], row[4]);
  }
  return w;
}

}  // namespace trilink::exercise
