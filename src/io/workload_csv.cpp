#include "io/workload_csv.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "geo/angles.hpp"
#include "io/read_file.hpp"

namespace trilink::io {

using scenario::BallisticRadar;
using scenario::BallisticScan;
using scenario::BallisticTruth;
using scenario::BallisticWorkload;
using scenario::NcvTruth;
using scenario::NcvWorkload;

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

std::unexpected<Error> too_many_rows(const std::string& path, std::size_t line_no) {
  return fail(path + ":" + std::to_string(line_no),
              "more than " + std::to_string(max_workload_rows) + " rows");
}

// Room for the truth of objects 0..id in one scan, within a budget of slots over the whole file:
// a file of N truth rows names at most N (scan, object) pairs, so a valid file never needs more,
// and a made-up id (1e7 in every scan) cannot grow the workload's memory beyond the file's size.
template <class Truth>
Expected<void> make_room(std::vector<Truth>& truth, std::size_t id, std::size_t& budget,
                         const std::string& where) {
  if (id < truth.size()) return {};
  const std::size_t more = id + 1 - truth.size();
  if (more > budget)
    return fail(where, "object " + std::to_string(id) +
                           " leaves ids unused: the file's truth rows cannot cover objects 0.." +
                           std::to_string(id) + " in every scan");
  budget -= more;
  truth.resize(id + 1);
  return {};
}

// Reads a CSV of numbers with a known header; each row must have `cols` fields.
Expected<std::vector<std::vector<double>>> read_csv(const std::string& path,
                                                    const std::string& header, std::size_t cols) {
  if (auto ok = check_input_file(path); !ok) return std::unexpected(ok.error());
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
    if (rows.size() == max_workload_rows) return too_many_rows(path, line_no);
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
    if (s >= static_cast<double>(truth->size() + dets->size()))
      return fail(dir + "/" + file + ":" + std::to_string(row + 2),
                  "scan " + num(s) + " leaves scans without a row: the files hold " +
                      std::to_string(truth->size() + dets->size()) + " rows");
    const auto k = static_cast<std::size_t>(s);
    if (k >= w.scans.size()) w.scans.resize(k + 1);
    return k;
  };
  std::size_t budget = truth->size();
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
    if (auto room =
            make_room(scan.truth, target, budget, dir + "/truth.csv:" + std::to_string(r + 2));
        !room)
      return std::unexpected(room.error());
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

namespace {

constexpr const char* kTruthHeader = "scan,t_s,target,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps";
constexpr const char* kDetectionsHeader = "scan,t_s,range_m,az_deg,el_deg";

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
  if (auto ok = check_input_file(path); !ok) return std::unexpected(ok.error());
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
    if (t.rows.size() == max_workload_rows) return too_many_rows(path, line_no);
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
    if (*k >= truth->rows.size() + dets->rows.size())
      return fail(t.at(r, 0), "scan " + std::to_string(*k) +
                                  " leaves scans without a row: the files hold " +
                                  std::to_string(truth->rows.size() + dets->rows.size()) + " rows");
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
  std::size_t budget = truth->rows.size();
  for (const Row& r : truth->rows) {
    const auto k = scan_of(*truth, r);
    if (!k) return std::unexpected(k.error());
    const auto i = whole(*truth, r, 2, 1e7);
    if (!i) return std::unexpected(i.error());
    auto& scan = w.scans[*k];
    if (auto room = make_room(scan.truth, *i, budget, truth->at(r, 2)); !room)
      return std::unexpected(room.error());
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

}  // namespace trilink::io
