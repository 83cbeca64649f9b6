#include "export/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <optional>
#include <string_view>
#include <utility>

#include "base/text.hpp"

namespace trilink::exports::report {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;

// ---- text ----

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// `fixed` without the "-0.0" that rounding a tiny negative number gives.
std::string num(double v, int decimals) {
  std::string s = fixed(v, decimals);
  if (!s.empty() && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

// "first_detection" -> "first detection".
std::string event_title(std::string name) {
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

// 754.2 s -> "12:34" (minutes:seconds), 3754 s -> "1:02:34".
std::string clock_text(double t_s) {
  const long total = std::lround(std::max(0.0, t_s));
  const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  char buf[48];
  if (h > 0)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", h, m, s);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", m, s);
  return buf;
}

std::string nation_colour(std::optional<Nation> nation) {
  if (!nation) return "#6b6b6b";
  switch (*nation) {
    case Nation::JPN:
      return "#d0343f";
    case Nation::KOR:
      return "#1f5fbf";
    case Nation::USA:
      return "#7b3fa6";
  }
  return "#6b6b6b";
}

std::string nation_text(Nation n) {
  return std::string(to_string(n));
}

constexpr const char* kSystemColour = "#f07f13";
constexpr const char* kTruthColour = "#1d1d1f";

// A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals over `span`.
double nice_step(double span, int target) {
  if (!(span > 0.0)) return 1.0;
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 2.5, 5.0})
    if (m * mag >= raw * 0.999) return m * mag;
  return 10.0 * mag;
}

int step_decimals(double step) {
  if (step >= 1.0) return 0;
  if (step >= 0.1) return step * 10.0 == std::round(step * 10.0) ? 1 : 2;
  return 2;
}

// ---- SVG path data: coordinates rounded to 0.1 px, repeats dropped ----

struct Pt {
  double x = 0.0;
  double y = 0.0;
};

std::string tenths_text(long t) {
  std::string s = t < 0 ? "-" : "";
  const long a = t < 0 ? -t : t;
  s += std::to_string(a / 10);
  if (a % 10 != 0) s += "." + std::to_string(a % 10);
  return s;
}

class PathData {
 public:
  // Starts a new subpath with the next point.
  void brk() { pen_down_ = false; }
  void add(const Pt& p) {
    // Keep wild values (points far outside the view) from producing huge numbers.
    const long x = std::lround(std::clamp(p.x, -20000.0, 20000.0) * 10.0);
    const long y = std::lround(std::clamp(p.y, -20000.0, 20000.0) * 10.0);
    if (pen_down_ && x == last_x_ && y == last_y_) return;
    if (!pen_down_) {
      d_ += "M";
      count_in_sub_ = 0;
    } else {
      d_ += count_in_sub_ == 1 ? "L" : " ";
    }
    d_ += tenths_text(x) + " " + tenths_text(y);
    last_x_ = x;
    last_y_ = y;
    pen_down_ = true;
    ++count_in_sub_;
  }
  void close() {
    if (pen_down_) d_ += "Z";
    pen_down_ = false;
  }
  bool empty() const { return d_.empty(); }
  const std::string& str() const { return d_; }

 private:
  std::string d_;
  bool pen_down_ = false;
  long last_x_ = 0, last_y_ = 0;
  int count_in_sub_ = 0;
};

// Indices of at most about `max_points` samples, evenly strided, always with the last.
std::vector<std::size_t> decimated(std::size_t n, std::size_t max_points = 2000) {
  std::vector<std::size_t> idx;
  if (n == 0) return idx;
  const std::size_t stride = (n + max_points - 1) / max_points;
  for (std::size_t i = 0; i < n; i += std::max<std::size_t>(stride, 1)) idx.push_back(i);
  if (idx.back() != n - 1) idx.push_back(n - 1);
  return idx;
}

// ---- map projection ----

// Azimuthal equidistant projection on the sphere of the Gaussian mean radius at the centre
// (Snyder 1987, "Map Projections: A Working Manual", eqs. 25-2, 22-4, 22-5): distances and
// azimuths from the centre are true; a few per cent of scale error at 1500 km.
class Projection {
 public:
  Projection(double lat0_rad, double lon0_rad)
      : lon0_(lon0_rad),
        sin0_(std::sin(lat0_rad)),
        cos0_(std::cos(lat0_rad)),
        radius_m_(geo::gaussian_radius_m(lat0_rad)) {}

  // Plane metres east/north of the centre; nullopt on the far side of the globe.
  std::optional<Pt> plane(double lat_rad, double lon_rad) const {
    const double dl = lon_rad - lon0_;
    const double sl = std::sin(lat_rad), cl = std::cos(lat_rad);
    const double cosc = std::clamp(sin0_ * sl + cos0_ * cl * std::cos(dl), -1.0, 1.0);
    const double c = std::acos(cosc);
    if (c > 0.55 * kPi) return std::nullopt;
    const double k = c < 1e-9 ? 1.0 : c / std::sin(c);
    return Pt{radius_m_ * k * cl * std::sin(dl),
              radius_m_ * k * (cos0_ * sl - sin0_ * cl * std::cos(dl))};
  }

 private:
  double lon0_, sin0_, cos0_, radius_m_;
};

// The map: projection plus the fit of the plane into the SVG viewport.
struct MapView {
  static constexpr double kWidth = 900.0;
  static constexpr double kHeight = 650.0;

  Projection proj{0.0, 0.0};
  double lat0_deg = 0.0, lon0_deg = 0.0;
  double px_per_m = 1.0;
  Pt centre_m;  // plane point at the viewport centre
  double lat_min = 0.0, lat_max = 0.0, lon_min = 0.0, lon_max = 0.0;  // data box, deg

  std::optional<Pt> px(double lat_rad, double lon_rad) const {
    const auto p = proj.plane(lat_rad, lon_rad);
    if (!p) return std::nullopt;
    return Pt{kWidth / 2 + (p->x - centre_m.x) * px_per_m,
              kHeight / 2 - (p->y - centre_m.y) * px_per_m};
  }
  std::optional<Pt> px(const geo::Geodetic& g) const { return px(g.lat_rad, g.lon_rad); }
  std::optional<Pt> px(const LatLon& g) const { return px(g.lat_deg * kDeg, g.lon_deg * kDeg); }
};

MapView fit_map(const ReportData& data) {
  std::vector<LatLon> pts;
  for (const auto& r : data.radars) pts.push_back({r.site.lat_deg(), r.site.lon_deg()});
  for (const auto& p : data.paths)
    for (const std::size_t i : decimated(p.samples.size(), 500))
      pts.push_back({p.samples[i].point.lat_deg(), p.samples[i].point.lon_deg()});
  for (const auto& p : data.points) pts.push_back({p.point.lat_deg(), p.point.lon_deg()});
  for (const auto& e : data.ellipses) pts.push_back({e.centre.lat_deg(), e.centre.lon_deg()});
  // Protected areas widen the map only near the rest of the data: an area with a vertex within
  // kAreaReach_deg of the other points' lat/lon box counts whole, a distant one (the USA's
  // Hawaii, 6,000 km from Korea) is left out (and, off the map, not drawn). With no other
  // data, every area.
  constexpr double kAreaReach_deg = 10.0;
  double lat0 = std::numeric_limits<double>::infinity(), lat1 = -lat0, lon0 = lat0, lon1 = -lat0;
  for (const auto& p : pts)
    if (std::isfinite(p.lat_deg) && std::isfinite(p.lon_deg)) {
      lat0 = std::min(lat0, p.lat_deg - kAreaReach_deg);
      lat1 = std::max(lat1, p.lat_deg + kAreaReach_deg);
      lon0 = std::min(lon0, p.lon_deg - kAreaReach_deg);
      lon1 = std::max(lon1, p.lon_deg + kAreaReach_deg);
    }
  const bool other_data = lat1 >= lat0;
  for (const auto& a : data.areas) {
    const bool near = std::any_of(a.rings.begin(), a.rings.end(), [&](const Ring& ring) {
      return std::any_of(ring.begin(), ring.end(), [&](const LatLon& p) {
        return p.lat_deg >= lat0 && p.lat_deg <= lat1 && p.lon_deg >= lon0 && p.lon_deg <= lon1;
      });
    });
    if (!other_data || near)
      for (const auto& ring : a.rings) pts.insert(pts.end(), ring.begin(), ring.end());
  }
  std::erase_if(pts, [](const LatLon& p) {
    return !std::isfinite(p.lat_deg) || !std::isfinite(p.lon_deg) || std::abs(p.lat_deg) > 89.0;
  });
  if (pts.empty()) pts = {{34.0, 124.0}, {44.0, 142.0}};  // Korea and Japan

  MapView v;
  v.lat_min = v.lon_min = std::numeric_limits<double>::infinity();
  v.lat_max = v.lon_max = -std::numeric_limits<double>::infinity();
  for (const auto& p : pts) {
    v.lat_min = std::min(v.lat_min, p.lat_deg);
    v.lat_max = std::max(v.lat_max, p.lat_deg);
    v.lon_min = std::min(v.lon_min, p.lon_deg);
    v.lon_max = std::max(v.lon_max, p.lon_deg);
  }
  v.lat0_deg = std::clamp(0.5 * (v.lat_min + v.lat_max), -80.0, 80.0);
  v.lon0_deg = 0.5 * (v.lon_min + v.lon_max);
  v.proj = Projection(v.lat0_deg * kDeg, v.lon0_deg * kDeg);

  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& p : pts) {
    const auto q = v.proj.plane(p.lat_deg * kDeg, p.lon_deg * kDeg);
    if (!q) continue;
    x0 = std::min(x0, q->x);
    x1 = std::max(x1, q->x);
    y0 = std::min(y0, q->y);
    y1 = std::max(y1, q->y);
  }
  if (!(x1 >= x0)) x0 = x1 = y0 = y1 = 0.0;
  // Margin, and a span between 800 km and 9000 km (an outlier must not shrink the rest).
  constexpr double kMinSpan = 800e3, kMaxSpan = 9000e3;
  double sx = x1 - x0, sy = y1 - y0;
  const double margin = std::max(0.08 * std::max(sx, sy), 120e3);
  sx = std::clamp(sx + 2 * margin, kMinSpan, kMaxSpan);
  sy = std::clamp(sy + 2 * margin, kMinSpan, kMaxSpan);
  v.centre_m = Pt{0.5 * (x0 + x1), 0.5 * (y0 + y1)};
  v.px_per_m = std::min(MapView::kWidth / sx, MapView::kHeight / sy);
  return v;
}

// ---- SVG pieces ----

std::string attr_pt(const Pt& p) {
  return "x=\"" + num(p.x, 1) + "\" y=\"" + num(p.y, 1) + "\"";
}

// A line through the geodetic points (a break where a point does not project).
template <typename Points, typename Get>
void add_polyline(PathData& d, const MapView& v, const Points& points, Get get) {
  d.brk();
  for (const auto& p : points) {
    const auto q = v.px(get(p));
    if (!q) {
      d.brk();
      continue;
    }
    d.add(*q);
  }
}

bool near_view(const Pt& p) {
  return p.x > -50 && p.x < MapView::kWidth + 50 && p.y > -50 && p.y < MapView::kHeight + 50;
}

// The parts of a line near the view (each kept vertex with its neighbours, so that a segment
// crossing the edge stays whole).
void add_visible(PathData& d, const std::vector<Pt>& line) {
  d.brk();
  for (std::size_t i = 0; i < line.size(); ++i) {
    const bool keep = near_view(line[i]) || (i > 0 && near_view(line[i - 1])) ||
                      (i + 1 < line.size() && near_view(line[i + 1]));
    if (keep)
      d.add(line[i]);
    else
      d.brk();
  }
}

bool ring_in_view(const std::vector<Pt>& ring) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double x0 = inf, x1 = -inf, y0 = inf, y1 = -inf;
  for (const auto& p : ring) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  return x1 >= 0 && x0 <= MapView::kWidth && y1 >= 0 && y0 <= MapView::kHeight;
}

// Rings in pixels; false if any vertex does not project.
bool ring_px(const MapView& v, const Ring& ring, std::vector<Pt>& out) {
  out.clear();
  for (const auto& p : ring) {
    const auto q = v.px(p);
    if (!q) return false;
    out.push_back(*q);
  }
  return !out.empty();
}

void add_ring(PathData& d, const std::vector<Pt>& ring) {
  d.brk();
  for (const auto& p : ring) d.add(p);
  d.close();
}

std::string lat_label(double lat) {
  return num(std::abs(lat), 0) + (lat > 0 ? "°N" : lat < 0 ? "°S" : "°");
}
std::string lon_label(double lon) {
  double l = std::remainder(lon, 360.0);
  return num(std::abs(l), 0) + (l > 0 ? "°E" : l < 0 ? "°W" : "°");
}

// Ground outline of a radar's coverage: boresight ± half sector out to max range.
void coverage_outline(PathData& d, const MapView& v, const RadarMark& r) {
  const bool full = r.half_sector_rad >= kPi - 1e-6;
  const double span = full ? 2 * kPi : 2 * r.half_sector_rad;
  const int steps = std::max(8, static_cast<int>(std::ceil(span / (2.0 * kDeg))));
  d.brk();
  if (!full)
    if (const auto s = v.px(r.site)) d.add(*s);
  for (int i = 0; i <= steps; ++i) {
    const double az =
        full ? span * i / steps : r.boresight_az_rad - r.half_sector_rad + span * i / steps;
    if (const auto q = v.px(geo::geodesic_direct(r.site, az, r.max_range_m))) d.add(*q);
  }
  d.close();
}

void ellipse_outline(PathData& d, const MapView& v, const Ellipse& e) {
  constexpr int kSteps = 72;
  d.brk();
  for (int i = 0; i < kSteps; ++i) {
    const double th = 2 * kPi * i / kSteps;
    const double a = e.semi_major_m * std::cos(th), b = e.semi_minor_m * std::sin(th);
    const double r = std::hypot(a, b);
    // Major axis along major_axis_azimuth_rad, minor axis 90 deg clockwise of it.
    const double az = e.major_axis_azimuth_rad + std::atan2(b, a);
    if (const auto q = v.px(r > 0 ? geo::geodesic_direct(e.centre, az, r) : e.centre)) d.add(*q);
  }
  d.close();
}

std::string point_marker(const std::string& kind, const Pt& p) {
  const std::string x = num(p.x, 1), y = num(p.y, 1);
  const auto tri = [&](double s) {
    return "M" + num(p.x, 1) + " " + num(p.y - s, 1) + "L" + num(p.x + s * 0.9, 1) + " " +
           num(p.y + s * 0.6, 1) + " " + num(p.x - s * 0.9, 1) + " " + num(p.y + s * 0.6, 1) + "Z";
  };
  if (kind == "launch_true")
    return "<path class=\"mk\" d=\"" + tri(7) + "\" fill=\"" + kTruthColour +
           "\" stroke=\"#fff\" stroke-width=\"1.2\"/>";
  if (kind == "launch_estimated")
    return "<path class=\"mk\" d=\"" + tri(8) + "\" fill=\"none\" stroke=\"" + kSystemColour +
           "\" stroke-width=\"2\"/>";
  if (kind == "impact_true")
    return "<g class=\"mk\"><circle cx=\"" + x + "\" cy=\"" + y +
           "\" r=\"5.5\" fill=\"#fff\" stroke=\"" + kTruthColour +
           "\" stroke-width=\"1.6\"/><path d=\"M" + num(p.x - 3.5, 1) + " " + num(p.y - 3.5, 1) +
           "L" + num(p.x + 3.5, 1) + " " + num(p.y + 3.5, 1) + "M" + num(p.x - 3.5, 1) + " " +
           num(p.y + 3.5, 1) + "L" + num(p.x + 3.5, 1) + " " + num(p.y - 3.5, 1) + "\" stroke=\"" +
           kTruthColour + "\" stroke-width=\"1.6\"/></g>";
  return "<circle class=\"mk\" cx=\"" + x + "\" cy=\"" + y +
         "\" r=\"4\" fill=\"#888\" stroke=\"#fff\"/>";
}

std::string path_style(const Path& p) {
  if (p.kind == "truth")
    return "class=\"ln L-truth\" stroke=\"" + std::string(kTruthColour) + "\" stroke-width=\"1.8\"";
  if (p.kind == "system")
    return "class=\"ln L-system\" stroke=\"" + std::string(kSystemColour) +
           "\" stroke-width=\"2.6\" stroke-opacity=\"0.85\"";
  return "class=\"ln L-national\" stroke=\"" + nation_colour(p.nation) +
         "\" stroke-width=\"1.3\" stroke-dasharray=\"5 3\"";
}

// Layer order on both charts: national tracks under system tracks under truth.
int path_layer(const Path& p) {
  if (p.kind == "national") return 0;
  if (p.kind == "system") return 1;
  return 2;
}

std::vector<const Path*> paths_in_layer_order(const ReportData& data) {
  std::vector<const Path*> out;
  for (const auto& p : data.paths) out.push_back(&p);
  std::stable_sort(out.begin(), out.end(),
                   [](const Path* a, const Path* b) { return path_layer(*a) < path_layer(*b); });
  return out;
}

std::string text_halo(const Pt& p, const std::string& text, const std::string& extra = "") {
  return "<text class=\"halo\" " + attr_pt(p) + extra + ">" + esc(text) + "</text>";
}

// ---- the map ----

std::string render_map(const ReportData& data, const MapView& v) {
  const double W = MapView::kWidth, H = MapView::kHeight;
  std::string s;
  s += "<svg id=\"map-svg\" class=\"chart map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 "
       "0 " +
       num(W, 0) + " " + num(H, 0) + "\" role=\"img\" aria-label=\"Map of the exercise\">\n";
  s += "<defs><clipPath id=\"map-clip\"><rect width=\"" + num(W, 0) + "\" height=\"" + num(H, 0) +
       "\"/></clipPath></defs>\n";
  s += "<rect class=\"sea\" width=\"" + num(W, 0) + "\" height=\"" + num(H, 0) + "\"/>\n";
  s += "<g clip-path=\"url(#map-clip)\">\n";

  // Land.
  {
    PathData d;
    std::vector<Pt> ring;
    for (const auto& r : data.coastlines)
      if (ring_px(v, r, ring) && ring_in_view(ring)) add_ring(d, ring);
    if (!d.empty())
      s += "<path class=\"land L-land\" fill-rule=\"evenodd\" d=\"" + d.str() + "\"/>\n";
  }

  // Graticule every 5 deg, over the data box widened by 30 deg (clipped to the view).
  PathData grid;
  std::vector<std::pair<Pt, std::string>> grid_labels;
  const double glat0 = std::max(-85.0, std::floor((v.lat_min - 30.0) / 5.0) * 5.0);
  const double glat1 = std::min(85.0, std::ceil((v.lat_max + 30.0) / 5.0) * 5.0);
  const double glon0 = std::floor((v.lon_min - 40.0) / 5.0) * 5.0;
  const double glon1 = std::ceil((v.lon_max + 40.0) / 5.0) * 5.0;
  for (double lon = glon0; lon <= glon1 + 1e-9; lon += 5.0) {
    std::vector<Pt> line;
    for (double lat = glat0; lat <= glat1 + 1e-9; lat += 0.5)
      if (const auto q = v.px(lat * kDeg, lon * kDeg)) line.push_back(*q);
    add_visible(grid, line);
    // Label where the meridian leaves the bottom edge.
    for (std::size_t i = 1; i < line.size(); ++i) {
      const Pt a = line[i - 1], b = line[i];
      const double yb = H - 1.0;
      if ((a.y - yb) * (b.y - yb) <= 0.0 && a.y != b.y) {
        const double x = a.x + (yb - a.y) / (b.y - a.y) * (b.x - a.x);
        if (x > 30 && x < W - 30) grid_labels.push_back({Pt{x, H - 7}, lon_label(lon)});
        break;
      }
    }
  }
  for (double lat = glat0; lat <= glat1 + 1e-9; lat += 5.0) {
    std::vector<Pt> line;
    for (double lon = glon0; lon <= glon1 + 1e-9; lon += 0.5)
      if (const auto q = v.px(lat * kDeg, lon * kDeg)) line.push_back(*q);
    add_visible(grid, line);
    for (std::size_t i = 1; i < line.size(); ++i) {
      const Pt a = line[i - 1], b = line[i];
      if (a.x <= 1.0 && b.x > 1.0) {
        const double y = a.y + (1.0 - a.x) / (b.x - a.x) * (b.y - a.y);
        if (y > 20 && y < H - 30) grid_labels.push_back({Pt{5, y - 3}, lat_label(lat)});
        break;
      }
    }
  }
  s += "<path class=\"grid L-grid\" d=\"" + grid.str() + "\"/>\n";

  // Protected areas.
  if (!data.areas.empty()) {
    s += "<g class=\"L-areas\">\n";
    for (const auto& a : data.areas) {
      PathData d;
      std::vector<Pt> ring;
      for (const auto& r : a.rings)
        if (ring_px(v, r, ring) && ring_in_view(ring)) add_ring(d, ring);
      if (d.empty()) continue;  // off the map (a distant area, fit_map)
      const std::string c = nation_colour(a.nation);
      const std::string title =
          "<title>" + esc(a.name) +
          (a.buffer_m > 0 ? " (+" + num(a.buffer_m / 1000.0, 1) + " km)" : "") + "</title>";
      if (a.buffer_m > 0) {
        // The rings stroked 2 x buffer wide: the outer half is the band within buffer_m.
        const double w = 2.0 * a.buffer_m * v.px_per_m;
        s += "<path class=\"area-buf\" d=\"" + d.str() + "\" fill=\"none\" stroke=\"" + c +
             "\" stroke-opacity=\"0.13\" stroke-width=\"" + num(std::max(w, 1.0), 1) +
             "\" stroke-linejoin=\"round\">" + title + "</path>\n";
        s += "<path d=\"" + d.str() + "\" fill=\"none\" stroke=\"" + c +
             "\" stroke-width=\"0.9\" stroke-dasharray=\"4 3\" stroke-opacity=\"0.8\">" + title +
             "</path>\n";
      } else {
        s += "<path class=\"area\" fill-rule=\"evenodd\" d=\"" + d.str() + "\" fill=\"" + c +
             "\" fill-opacity=\"0.10\" stroke=\"" + c + "\" stroke-width=\"1\">" + title +
             "</path>\n";
      }
    }
    s += "</g>\n";
  }

  // Radar coverage.
  if (!data.radars.empty()) {
    s += "<g class=\"L-coverage\">\n";
    for (const auto& r : data.radars) {
      if (!(r.max_range_m > 0)) continue;
      PathData d;
      coverage_outline(d, v, r);
      const std::string c = nation_colour(r.nation);
      s += "<path class=\"cov\" d=\"" + d.str() + "\" fill=\"" + c +
           "\" fill-opacity=\"0.05\" stroke=\"" + c +
           "\" stroke-opacity=\"0.45\" stroke-width=\"0.9\"><title>" + esc(r.name) +
           " coverage: " + num(r.max_range_m / 1000.0, 0) + " km, " +
           num(2 * r.half_sector_rad / kDeg, 0) + "° sector</title></path>\n";
    }
    s += "</g>\n";
  }

  // Impact ellipses (earlier ones first, final on top).
  if (!data.ellipses.empty()) {
    s += "<g class=\"L-ellipses\">\n";
    for (const bool final_pass : {false, true})
      for (const auto& e : data.ellipses) {
        if (e.final != final_pass) continue;
        PathData d;
        ellipse_outline(d, v, e);
        if (d.empty()) continue;
        const std::string title = "<title>" + esc(e.label) + ": " +
                                  num(e.semi_major_m / 1000.0, 1) + " × " +
                                  num(e.semi_minor_m / 1000.0, 1) + " km</title>";
        if (e.final)
          s += "<path class=\"ell-final\" d=\"" + d.str() + "\">" + title + "</path>\n";
        else
          s += "<path class=\"ell\" d=\"" + d.str() + "\">" + title + "</path>\n";
      }
    s += "</g>\n";
  }

  // Trajectories and tracks (ground tracks).
  for (const Path* p : paths_in_layer_order(data)) {
    PathData d;
    const auto idx = decimated(p->samples.size());
    add_polyline(d, v, idx, [&](std::size_t i) { return p->samples[i].point; });
    if (d.empty()) continue;
    s += "<path " + path_style(*p) + " fill=\"none\" d=\"" + d.str() + "\"><title>" +
         esc(p->label) + "</title></path>\n";
  }

  // Launch and impact points.
  if (!data.points.empty()) {
    s += "<g class=\"L-points\">\n";
    for (const auto& pm : data.points) {
      const auto q = v.px(pm.point);
      if (!q) continue;
      std::string m = point_marker(pm.kind, *q);
      // Tooltip inside the marker element.
      const std::string title = "<title>" + esc(pm.label) + "</title>";
      s += "<g>" + m + title + "</g>\n";
    }
    s += "</g>\n";
  }

  // Radar sites.
  if (!data.radars.empty()) {
    s += "<g class=\"L-radars\">\n";
    for (const auto& r : data.radars) {
      const auto q = v.px(r.site);
      if (!q) continue;
      const std::string c = nation_colour(r.nation);
      const double k = 5.5;
      s += "<g><path d=\"M" + num(q->x, 1) + " " + num(q->y - k, 1) + "L" + num(q->x + k, 1) + " " +
           num(q->y, 1) + " " + num(q->x, 1) + " " + num(q->y + k, 1) + " " + num(q->x - k, 1) +
           " " + num(q->y, 1) + "Z\" fill=\"" + c + "\" stroke=\"#fff\" stroke-width=\"1.3\"/>" +
           text_halo(Pt{q->x + 8, q->y + 4}, r.name, " font-size=\"11\"") + "<title>" +
           esc(r.name) + " (" + esc(nation_text(r.nation)) + "), " + num(r.site.lat_deg(), 3) +
           "°, " + num(r.site.lon_deg(), 3) + "°</title></g>\n";
    }
    s += "</g>\n";
  }
  s += "</g>\n";  // clip

  // Graticule labels, scale bar, frame.
  s += "<g class=\"L-grid\">";
  for (const auto& [p, t] : grid_labels)
    s += text_halo(p, t, p.x < 10 ? "" : " text-anchor=\"middle\"");
  s += "</g>\n";
  {
    const double target_m = 0.2 * W / v.px_per_m;
    const double step_km = nice_step(target_m / 1000.0, 1);
    const double len = step_km * 1000.0 * v.px_per_m;
    const double x1 = W - 20, x0 = x1 - len, y = H - 26;
    s += "<g class=\"scalebar\"><rect x=\"" + num(x0 - 8, 1) + "\" y=\"" + num(y - 18, 1) +
         "\" width=\"" + num(len + 16, 1) +
         "\" height=\"28\" rx=\"4\" fill=\"#fff\" fill-opacity=\"0.8\"/><path d=\"M" + num(x0, 1) +
         " " + num(y - 4, 1) + "V" + num(y, 1) + "H" + num(x1, 1) + "V" + num(y - 4, 1) +
         "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\"/><text x=\"" +
         num(0.5 * (x0 + x1), 1) + "\" y=\"" + num(y - 7, 1) + "\" text-anchor=\"middle\">" +
         num(step_km, step_km < 1 ? 1 : 0) + " km</text></g>\n";
  }
  s += "<rect class=\"frame\" width=\"" + num(W, 0) + "\" height=\"" + num(H, 0) + "\"/>\n";
  s += "</svg>\n";
  return s;
}

// A legend entry with a checkbox that toggles the layer (the checkbox only with script).
std::string legend_item(const std::string& layer, const std::string& swatch,
                        const std::string& text) {
  return "<label class=\"lg\"><input type=\"checkbox\" class=\"tog\" data-layer=\"" + layer +
         "\" checked><svg class=\"sw\" viewBox=\"0 0 30 16\" width=\"30\" height=\"16\">" + swatch +
         "</svg><span>" + esc(text) + "</span></label>\n";
}

std::string swatch_line(const std::string& colour, double width, const std::string& dash = "") {
  return "<path d=\"M2 8H28\" stroke=\"" + colour + "\" stroke-width=\"" + num(width, 1) + "\"" +
         (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>";
}

// The altitude chart's key; its checkboxes toggle the same layers as the map's.
std::string altitude_legend(const ReportData& data) {
  auto has_path = [&](const std::string& kind) {
    return std::any_of(data.paths.begin(), data.paths.end(),
                       [&](const Path& p) { return p.kind == kind; });
  };
  std::string s = "<div class=\"legend inline\">";
  if (has_path("truth"))
    s += legend_item("L-truth", swatch_line(kTruthColour, 1.8), "true trajectory");
  if (has_path("national"))
    s += legend_item("L-national", swatch_line("#666", 1.3, "5 3"),
                     "national track (nation colour)");
  if (has_path("system"))
    s += legend_item("L-system", swatch_line(kSystemColour, 2.6), "system track (trilateral)");
  return s + "</div>\n";
}

std::vector<Nation> nations_of(const ReportData& data) {
  std::vector<Nation> out;
  auto add = [&](std::optional<Nation> n) {
    if (n && std::find(out.begin(), out.end(), *n) == out.end()) out.push_back(*n);
  };
  for (const auto& r : data.radars) add(r.nation);
  for (const auto& p : data.paths)
    if (p.kind == "national") add(p.nation);
  for (const auto& a : data.areas) add(a.nation);
  return out;
}

std::string render_legend(const ReportData& data, const MapView& v) {
  auto has_path = [&](const std::string& kind) {
    return std::any_of(data.paths.begin(), data.paths.end(),
                       [&](const Path& p) { return p.kind == kind; });
  };
  auto has_point = [&](const std::string& kind) {
    return std::any_of(data.points.begin(), data.points.end(),
                       [&](const PointMark& p) { return p.kind == kind; });
  };
  std::string s = "<div class=\"legend\"><h3>Legend</h3>\n";
  s += legend_item("L-land", "<rect x=\"2\" y=\"2\" width=\"26\" height=\"12\" class=\"land\"/>",
                   "land");
  s += legend_item("L-grid", "<path d=\"M2 8H28M15 1V15\" class=\"grid\"/>", "graticule 5°");
  if (!data.areas.empty()) {
    s += legend_item("L-areas",
                     "<rect x=\"3\" y=\"3\" width=\"24\" height=\"10\" fill=\"#888\" "
                     "fill-opacity=\"0.12\" stroke=\"#666\"/><rect x=\"1\" y=\"1\" width=\"28\" "
                     "height=\"14\" fill=\"none\" stroke=\"#666\" stroke-dasharray=\"4 3\"/>",
                     "protected area / territorial sea");
  }
  if (!data.radars.empty()) {
    s +=
        legend_item("L-radars", "<path d=\"M15 2L21 8 15 14 9 8Z\" fill=\"#666\" stroke=\"#fff\"/>",
                    "radar site");
    s +=
        legend_item("L-coverage",
                    "<path d=\"M3 14L27 14A24 24 0 0 0 20 3Z\" fill=\"#666\" fill-opacity=\"0.08\" "
                    "stroke=\"#666\" stroke-opacity=\"0.5\"/>",
                    "radar coverage");
  }
  if (has_path("truth"))
    s += legend_item("L-truth", swatch_line(kTruthColour, 1.8), "true trajectory");
  if (has_path("national"))
    s += legend_item("L-national", swatch_line("#666", 1.3, "5 3"), "national track");
  if (has_path("system"))
    s += legend_item("L-system", swatch_line(kSystemColour, 2.6), "system track (trilateral)");
  if (has_point("launch_true"))
    s += legend_item("L-points", point_marker("launch_true", Pt{15, 9}), "launch point (true)");
  if (has_point("launch_estimated"))
    s += legend_item("L-points", point_marker("launch_estimated", Pt{15, 9}),
                     "launch point (estimated)");
  if (has_point("impact_true"))
    s += legend_item("L-points", point_marker("impact_true", Pt{15, 8}), "impact point (true)");
  if (!data.ellipses.empty())
    s += legend_item("L-ellipses",
                     "<ellipse cx=\"15\" cy=\"8\" rx=\"12\" ry=\"5\" class=\"ell-final\"/>"
                     "<ellipse cx=\"15\" cy=\"8\" rx=\"7\" ry=\"3\" class=\"ell\"/>",
                     "impact ellipse (final / earlier)");
  const auto nations = nations_of(data);
  if (!nations.empty()) {
    s += "<h3>Nations</h3><div class=\"nations\">";
    for (const auto& n : nations)
      s += "<span class=\"chip\" style=\"background:" + nation_colour(n) + "\">" +
           esc(nation_text(n)) + "</span>";
    s += "</div>\n";
  }
  s += "<p class=\"note\">Azimuthal equidistant projection centred on " +
       num(std::abs(v.lat0_deg), 1) + (v.lat0_deg < 0 ? "°S " : "°N ") +
       num(std::abs(v.lon0_deg), 1) + (v.lon0_deg < 0 ? "°W" : "°E") +
       ". Hover a line or marker for its name.</p>";
  s += "</div>\n";
  return s;
}

// ---- altitude over time ----

struct Axis {
  double lo = 0.0, hi = 1.0, step = 1.0;
};

Axis nice_axis(double lo, double hi, int target, bool from_zero) {
  if (from_zero) lo = std::min(lo, 0.0);
  if (!(hi > lo)) hi = lo + 1.0;
  Axis a;
  a.step = nice_step(hi - lo, target);
  a.lo = std::floor(lo / a.step + 1e-9) * a.step;
  a.hi = std::ceil(hi / a.step - 1e-9) * a.step;
  return a;
}

std::string render_altitude(const ReportData& data) {
  double t0 = std::numeric_limits<double>::infinity(), t1 = -t0, h1 = 0.0;
  for (const auto& p : data.paths)
    for (const auto& s : p.samples) {
      if (!std::isfinite(s.t_s) || !std::isfinite(s.point.h_m)) continue;
      t0 = std::min(t0, s.t_s);
      t1 = std::max(t1, s.t_s);
      h1 = std::max(h1, s.point.h_m);
    }
  if (!(t1 >= t0)) return "<p class=\"empty\">No trajectories or tracks.</p>\n";

  const double W = 900, H = 380, ml = 64, mr = 24, mt = 18, mb = 48;
  const double pw = W - ml - mr, ph = H - mt - mb;
  const Axis ax = nice_axis(t0 / 60.0, t1 / 60.0, 9, false);
  const Axis ay = nice_axis(0.0, h1 / 1000.0 * 1.05, 6, true);
  auto X = [&](double t_min) { return ml + (t_min - ax.lo) / (ax.hi - ax.lo) * pw; };
  auto Y = [&](double km) { return mt + ph - (km - ay.lo) / (ay.hi - ay.lo) * ph; };

  std::string s =
      "<svg id=\"altitude-svg\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
      "viewBox=\"0 0 900 380\" role=\"img\" aria-label=\"Altitude over time\">\n";
  // Grid and ticks.
  std::string grid, labels;
  const int dx = step_decimals(ax.step), dy = step_decimals(ay.step);
  for (double t = ax.lo; t <= ax.hi + 1e-9 * ax.step; t += ax.step) {
    const double x = X(t);
    grid += "M" + num(x, 1) + " " + num(mt, 1) + "V" + num(mt + ph, 1);
    labels += "<text x=\"" + num(x, 1) + "\" y=\"" + num(mt + ph + 17, 1) +
              "\" text-anchor=\"middle\">" + num(t, dx) + "</text>";
  }
  for (double h = ay.lo; h <= ay.hi + 1e-9 * ay.step; h += ay.step) {
    const double y = Y(h);
    grid += "M" + num(ml, 1) + " " + num(y, 1) + "H" + num(ml + pw, 1);
    labels += "<text x=\"" + num(ml - 7, 1) + "\" y=\"" + num(y + 4, 1) +
              "\" text-anchor=\"end\">" + num(h, dy) + "</text>";
  }
  s += "<path class=\"cgrid\" d=\"" + grid + "\"/>\n<g class=\"ticks\">" + labels + "</g>\n";
  s += "<rect class=\"frame\" x=\"" + num(ml, 1) + "\" y=\"" + num(mt, 1) + "\" width=\"" +
       num(pw, 1) + "\" height=\"" + num(ph, 1) + "\"/>\n";
  s += "<text class=\"axis-title\" x=\"" + num(ml + pw / 2, 1) + "\" y=\"" + num(H - 6, 1) +
       "\" text-anchor=\"middle\">time since scenario start (min)</text>\n";
  s += "<text class=\"axis-title\" transform=\"translate(16 " + num(mt + ph / 2, 1) +
       ") rotate(-90)\" text-anchor=\"middle\">altitude (km)</text>\n";

  std::string apex_labels;
  for (const Path* p : paths_in_layer_order(data)) {
    PathData d;
    std::size_t apex = 0;
    for (const std::size_t i : decimated(p->samples.size())) {
      const auto& smp = p->samples[i];
      if (!std::isfinite(smp.t_s) || !std::isfinite(smp.point.h_m)) {
        d.brk();
        continue;
      }
      d.add(Pt{X(smp.t_s / 60.0), Y(smp.point.h_m / 1000.0)});
      if (smp.point.h_m > p->samples[apex].point.h_m) apex = i;
    }
    if (d.empty()) continue;
    s += "<path " + path_style(*p) + " fill=\"none\" d=\"" + d.str() + "\"><title>" +
         esc(p->label) + "</title></path>\n";
    if (p->kind == "truth") {
      const auto& a = p->samples[apex];
      apex_labels += text_halo(Pt{X(a.t_s / 60.0), Y(a.point.h_m / 1000.0) - 7}, p->label,
                               " text-anchor=\"middle\" font-size=\"11\"");
    }
  }
  if (!apex_labels.empty()) s += "<g class=\"L-truth\">" + apex_labels + "</g>\n";
  s += "</svg>\n";
  return s;
}

// ---- timeline ----

std::string event_time_text(const std::optional<double>& t) {
  return t ? num(*t, 1) : std::string("never");
}

const TimelineEvent* find_event(const std::vector<TimelineEvent>& events, const std::string& name) {
  for (const auto& e : events)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> event_names(const LaunchTimeline& lt) {
  std::vector<std::string> names;
  auto add = [&](const std::vector<TimelineEvent>& events) {
    for (const auto& e : events)
      if (std::find(names.begin(), names.end(), e.name) == names.end()) names.push_back(e.name);
  };
  for (const auto& n : lt.nations) {
    add(n.national);
    add(n.trilateral);
  }
  return names;
}

std::string timeline_table(const LaunchTimeline& lt, const std::vector<std::string>& names) {
  std::string s = "<div class=\"tablewrap\"><table class=\"timeline\"><thead><tr><th>nation</th>";
  for (const auto& n : names) s += "<th>" + esc(event_title(n)) + "</th>";
  s += "<th>sharing gain</th></tr></thead><tbody>\n";
  for (const auto& nt : lt.nations) {
    s += "<tr><th><span class=\"chip\" style=\"background:" + nation_colour(nt.nation) + "\">" +
         esc(nation_text(nt.nation)) + "</span></th>";
    for (const auto& name : names) {
      const TimelineEvent* a = find_event(nt.national, name);
      const TimelineEvent* b = find_event(nt.trilateral, name);
      const std::optional<double> ta = a ? a->t_s : std::nullopt;
      const std::optional<double> tb = b ? b->t_s : std::nullopt;
      std::string cls;
      if (tb && (!ta || *tb < *ta - 0.05))
        cls = "better";
      else if (ta && (!tb || *tb > *ta + 0.05))
        cls = "worse";
      s += "<td" + (cls.empty() ? "" : " class=\"" + cls + "\"") + "><span class=\"nat\">" +
           event_time_text(ta) + "</span> → <span class=\"tri\">" + event_time_text(tb) +
           "</span></td>";
    }
    if (nt.sharing_gain_s) {
      const double g = *nt.sharing_gain_s;
      s += std::string("<td class=\"gain") +
           (g > 0.05    ? " better"
            : g < -0.05 ? " worse"
                        : "") +
           "\">" + (g > 0.05 ? "+" : "") + num(g, 1) + " s</td>";
    } else {
      s += "<td class=\"gain\">—</td>";
    }
    s += "</tr>\n";
  }
  s += "</tbody></table></div>\n";
  return s;
}

std::string timeline_chart(const LaunchTimeline& lt, const std::vector<std::string>& names) {
  const double W = 900, ml = 190, mr = 70, mt = 50, row = 17, gap = 8, mb = 40;
  std::size_t rows = lt.nations.size() * names.size();
  if (rows == 0) return "";
  const double ph = rows * row + (lt.nations.size() - 1) * gap;
  const double H = mt + ph + mb;
  double tmax = std::max({lt.impact_s, lt.burnout_s, 1.0});
  for (const auto& nt : lt.nations)
    for (const auto* events : {&nt.national, &nt.trilateral})
      for (const auto& e : *events)
        if (e.t_s && std::isfinite(*e.t_s)) tmax = std::max(tmax, *e.t_s);
  const Axis ax = nice_axis(0.0, tmax, 8, true);
  const double pw = W - ml - mr;
  auto X = [&](double t) { return ml + (t - ax.lo) / (ax.hi - ax.lo) * pw; };
  const double never_x = W - mr / 2;

  std::string s = "<svg class=\"chart tl\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                  num(W, 0) + " " + num(H, 0) + "\" role=\"img\" aria-label=\"Timeline of " +
                  esc(lt.launch_id) + "\">\n";
  // Key.
  s += "<g class=\"key\"><circle cx=\"" + num(ml, 0) +
       "\" cy=\"12\" r=\"4.5\" fill=\"#fff\" stroke=\"#555\" stroke-width=\"1.6\"/><text x=\"" +
       num(ml + 9, 0) + "\" y=\"16\">national only</text><circle cx=\"" + num(ml + 110, 0) +
       "\" cy=\"12\" r=\"4.5\" fill=\"#555\"/><text x=\"" + num(ml + 119, 0) +
       "\" y=\"16\">trilateral (with sharing)</text></g>\n";
  // Grid.
  std::string grid, labels;
  const int dx = step_decimals(ax.step);
  for (double t = ax.lo; t <= ax.hi + 1e-9 * ax.step; t += ax.step) {
    grid += "M" + num(X(t), 1) + " " + num(mt - 4, 1) + "V" + num(mt + ph + 4, 1);
    labels += "<text x=\"" + num(X(t), 1) + "\" y=\"" + num(mt + ph + 18, 1) +
              "\" text-anchor=\"middle\">" + num(t, dx) + "</text>";
  }
  s += "<path class=\"cgrid\" d=\"" + grid + "\"/><g class=\"ticks\">" + labels + "</g>\n";
  s += "<text class=\"ticks\" x=\"" + num(never_x, 1) + "\" y=\"" + num(mt + ph + 18, 1) +
       "\" text-anchor=\"middle\">never</text>\n";
  s += "<text class=\"axis-title\" x=\"" + num(ml + pw / 2, 1) + "\" y=\"" + num(H - 6, 1) +
       "\" text-anchor=\"middle\">seconds after launch</text>\n";
  // Burnout and impact.
  for (const auto& [t, name] :
       {std::pair{lt.burnout_s, "burnout"}, std::pair{lt.impact_s, "impact"}}) {
    if (!(t > 0)) continue;
    s += "<path class=\"mark-line\" d=\"M" + num(X(t), 1) + " " + num(mt - 6, 1) + "V" +
         num(mt + ph + 4, 1) + "\"/><text class=\"mark-text\" x=\"" + num(X(t) - 3, 1) + "\" y=\"" +
         num(mt - 9, 1) + "\" text-anchor=\"end\">" + name + " " + num(t, 0) + " s</text>\n";
  }
  // Rows.
  double y = mt;
  for (std::size_t ni = 0; ni < lt.nations.size(); ++ni) {
    const auto& nt = lt.nations[ni];
    const std::string c = nation_colour(nt.nation);
    s += "<rect class=\"band\" x=\"4\" y=\"" + num(y - 2, 1) + "\" width=\"" + num(W - 8, 1) +
         "\" height=\"" + num(names.size() * row + 4, 1) + "\" fill=\"" + c + "\"/>\n";
    s += "<text class=\"nation\" x=\"10\" y=\"" + num(y + row * names.size() / 2.0 + 4, 1) +
         "\" fill=\"" + c + "\">" + esc(nation_text(nt.nation)) + "</text>\n";
    for (const auto& name : names) {
      const double cy = y + row / 2;
      const TimelineEvent* a = find_event(nt.national, name);
      const TimelineEvent* b = find_event(nt.trilateral, name);
      const std::optional<double> ta = a ? a->t_s : std::nullopt;
      const std::optional<double> tb = b ? b->t_s : std::nullopt;
      const double xa = ta ? X(*ta) : never_x, xb = tb ? X(*tb) : never_x;
      s += "<g><title>" + esc(nation_text(nt.nation)) + " " + esc(event_title(name)) +
           ": national " + event_time_text(ta) + (ta ? " s" : "") + ", trilateral " +
           event_time_text(tb) + (tb ? " s" : "") + "</title>";
      s += "<text class=\"ev\" x=\"" + num(ml - 10, 1) + "\" y=\"" + num(cy + 4, 1) +
           "\" text-anchor=\"end\">" + esc(event_title(name)) + "</text>";
      s += "<path class=\"row\" d=\"M" + num(ml, 1) + " " + num(cy, 1) + "H" + num(W - 8, 1) +
           "\"/>";
      if (a || b) {
        s += "<path d=\"M" + num(xa, 1) + " " + num(cy, 1) + "H" + num(xb, 1) + "\" stroke=\"" + c +
             "\" stroke-width=\"2.5\" stroke-opacity=\"0.35\"/>";
        if (a)
          s += "<circle cx=\"" + num(xa, 1) + "\" cy=\"" + num(cy, 1) +
               "\" r=\"4.5\" fill=\"#fff\" stroke=\"" + c + "\" stroke-width=\"1.6\"/>";
        if (b)
          s += "<circle cx=\"" + num(xb, 1) + "\" cy=\"" + num(cy, 1) + "\" r=\"4\" fill=\"" + c +
               "\"/>";
      }
      s += "</g>\n";
      y += row;
    }
    y += gap;
  }
  s += "</svg>\n";
  return s;
}

std::string render_timelines(const ReportData& data) {
  if (data.timelines.empty()) return "<p class=\"empty\">No launches.</p>\n";
  std::string s;
  for (const auto& lt : data.timelines) {
    const auto names = event_names(lt);
    s += "<article class=\"launch\"><h3>" + esc(lt.launch_id) + "</h3>";
    if (!lt.description.empty()) s += "<p class=\"desc\">" + esc(lt.description) + "</p>";
    s += "<p class=\"facts\"><span>lift-off <b>T+" + num(lt.launch_t_s, 1) + " s</b> (" +
         clock_text(lt.launch_t_s) + " after start)</span><span>burnout <b>" +
         num(lt.burnout_s, 1) + " s</b></span><span>impact <b>" + num(lt.impact_s, 1) +
         " s</b> after lift-off</span></p>\n";
    s += "<p class=\"hint\">Each cell: seconds after lift-off, national only → trilateral "
         "(with sharing). Green: sharing made it earlier.</p>\n";
    s += timeline_table(lt, names);
    s += timeline_chart(lt, names);
    s += "</article>\n";
  }
  return s;
}

// ---- figures and targets ----

std::string render_figures(const ReportData& data) {
  if (data.figures.empty()) return "<p class=\"empty\">No figures.</p>\n";
  std::string s = "<div class=\"figures\">\n";
  for (const auto& f : data.figures)
    s += "<div class=\"fig\"><div class=\"fig-v\">" + esc(f.value) + "</div><div class=\"fig-n\">" +
         esc(f.name) + "</div></div>\n";
  s += "</div>\n";
  return s;
}

std::string render_targets(const ReportData& data) {
  if (data.targets.empty()) return "<p class=\"empty\">No targets.</p>\n";
  std::string s =
      "<div class=\"tablewrap\"><table class=\"targets\"><thead><tr><th>result</th>"
      "<th>target</th><th>measured</th></tr></thead><tbody>\n";
  for (const auto& t : data.targets)
    s += std::string("<tr class=\"") + (t.pass ? "pass" : "fail") + "\"><td><span class=\"badge " +
         (t.pass ? "pass\">PASS" : "fail\">FAIL") + "</span></td><td>" + esc(t.name) +
         "</td><td class=\"num\">" + esc(t.measured) + "</td></tr>\n";
  s += "</tbody></table></div>\n";
  return s;
}

constexpr const char* kCss = R"CSS(
:root{--ink:#1d1d1f;--muted:#5f6368;--line:#dfe1e5;--bg:#f6f7f9;--card:#fff;--good:#1e8e3e;--bad:#c5221f}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif}
header{background:#1f2a37;color:#fff;padding:22px 0 18px}
.wrap{max-width:1180px;margin:0 auto;padding:0 20px}
header h1{margin:0 0 4px;font-size:26px;font-weight:650;letter-spacing:.2px}
header .desc{margin:0 0 12px;color:#cfd8e3;max-width:900px}
.meta{display:flex;flex-wrap:wrap;gap:8px 26px;margin:0;padding:0;list-style:none;color:#e8edf2}
.meta b{color:#fff}
.meta .lbl{color:#9fb0c2;margin-right:6px;text-transform:uppercase;font-size:11px;letter-spacing:.6px}
nav{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line)}
nav .wrap{display:flex;gap:22px;padding-top:9px;padding-bottom:9px}
nav a{color:#1f5fbf;text-decoration:none;font-weight:550}
nav a:hover{text-decoration:underline}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:18px 0;padding:16px 20px 20px}
section>h2{margin:0 0 12px;font-size:19px}
h3{margin:0 0 6px;font-size:16px}
.chart{display:block;width:100%;height:auto;font-size:12px;font-family:inherit}
.map-grid{display:grid;grid-template-columns:minmax(0,1fr) 250px;gap:18px;align-items:start}
@media (max-width:1000px){.map-grid{grid-template-columns:1fr}}
.sea{fill:#eaf2fa}
.land{fill:#dcdcd4;stroke:#a9a99f;stroke-width:.6}
.grid{fill:none;stroke:#7f95ad;stroke-width:.5;stroke-opacity:.55}
.frame{fill:none;stroke:#9aa0a6}
.halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round;fill:#333;font-size:11px}
.ln{fill:none;stroke-linejoin:round;stroke-linecap:round}
.ln:hover{stroke-width:4}
.ell{fill:none;stroke:#f07f13;stroke-width:.8;stroke-opacity:.45}
.ell-final{fill:#f07f13;fill-opacity:.16;stroke:#d35400;stroke-width:1.8}
.scalebar text{font-size:11px;fill:#333}
.legend{font-size:13px}
.legend h3{font-size:13px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);margin:4px 0 6px}
.lg{display:flex;align-items:center;gap:6px;margin:3px 0;cursor:pointer}
.lg .sw{flex:none}
.legend.inline{display:flex;flex-wrap:wrap;gap:2px 22px;margin:0 0 4px}
.tog{margin:0}
.nojs .tog{display:none}
.note{color:var(--muted);font-size:12px;margin-top:12px}
.chip{display:inline-block;color:#fff;border-radius:4px;padding:0 7px;font-size:12px;font-weight:650;margin-right:4px;letter-spacing:.4px}
.nations{margin-bottom:6px}
.cgrid{fill:none;stroke:#e6e8eb;stroke-width:1}
.ticks{fill:#555;font-size:11px}
.axis-title{fill:#333;font-size:12px}
.launch{border-top:1px solid var(--line);padding-top:14px;margin-top:14px}
.launch:first-of-type{border-top:0;padding-top:0;margin-top:0}
.launch .desc{margin:0 0 4px;color:var(--muted)}
.facts{display:flex;flex-wrap:wrap;gap:6px 22px;margin:0 0 6px}
.hint{color:var(--muted);font-size:12px;margin:0 0 8px}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin-bottom:12px}
th,td{border-bottom:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:middle}
thead th{background:#f1f3f4;font-weight:600;font-size:12.5px;white-space:nowrap}
table.timeline td{font-variant-numeric:tabular-nums;white-space:nowrap}
td.better{background:#e6f4ea}
td.worse{background:#fce8e6}
.tri{font-weight:650}
.nat{color:var(--muted)}
td.gain{font-weight:650}
.tl .band{fill-opacity:.05}
.tl .nation{font-weight:700;font-size:13px}
.tl .ev{fill:#333;font-size:12px}
.tl .row{stroke:#eceff1}
.tl .key text{fill:#444;font-size:12px}
.mark-line{stroke:#777;stroke-dasharray:3 3}
.mark-text{fill:#555;font-size:11px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.fig{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fbfbfc}
.fig-v{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.fig-n{color:var(--muted);font-size:12.5px}
.badge{display:inline-block;border-radius:4px;padding:1px 9px;font-weight:700;font-size:12px;color:#fff;letter-spacing:.5px}
.badge.pass{background:var(--good)}
.badge.fail{background:var(--bad)}
tr.fail td{background:#fff6f5}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.summary{margin:0 0 10px;font-weight:600}
.empty{color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:12px;padding:4px 0 30px}
)CSS";

constexpr const char* kScript = R"JS(
(function(){
  var body=document.body;
  body.classList.remove('nojs');
  var boxes=document.querySelectorAll('input.tog');
  function apply(layer){
    var on=false;
    boxes.forEach(function(b){ if(b.dataset.layer===layer&&b.checked) on=true; });
    document.querySelectorAll('.'+layer).forEach(function(el){
      if(el.tagName.toLowerCase()!=='input') el.style.display=on?'':'none';
    });
  }
  boxes.forEach(function(b){
    b.addEventListener('change',function(){
      boxes.forEach(function(o){ if(o.dataset.layer===b.dataset.layer) o.checked=b.checked; });
      apply(b.dataset.layer);
    });
  });
  body.dataset.ready='1';
})();
)JS";

}  // namespace

std::string render_html(const ReportData& data) {
  const MapView view = fit_map(data);
  std::string h;
  h.reserve(1 << 20);
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Nothing may be fetched: the page is complete in itself.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  h += "<title>" + esc(data.title) + " — trilink exercise report</title>\n";
  h += "<style>" + std::string(kCss) + "</style>\n</head>\n<body class=\"nojs\">\n";

  // Header.
  const auto passed = std::count_if(data.targets.begin(), data.targets.end(),
                                    [](const Target& t) { return t.pass; });
  h += "<header><div class=\"wrap\"><h1>" + esc(data.title) + "</h1>";
  if (!data.description.empty()) h += "<p class=\"desc\">" + esc(data.description) + "</p>";
  h += "<ul class=\"meta\"><li><span class=\"lbl\">start</span><b>" + esc(data.start_utc) +
       "</b></li><li><span class=\"lbl\">duration</span><b>" + num(data.duration_s, 1) +
       " s</b> (" + clock_text(data.duration_s) + ")</li><li><span class=\"lbl\">radars</span><b>" +
       std::to_string(data.radars.size()) + "</b></li><li><span class=\"lbl\">launches</span><b>" +
       std::to_string(data.timelines.size()) + "</b></li>";
  if (!data.targets.empty())
    h += "<li><span class=\"lbl\">targets</span><b>" + std::to_string(passed) + " / " +
         std::to_string(data.targets.size()) + " pass</b></li>";
  h += "</ul></div></header>\n";
  h += "<nav><div class=\"wrap\"><a href=\"#map\">Map</a><a href=\"#altitude\">Altitude</a>"
       "<a href=\"#timeline\">Timeline</a><a href=\"#figures\">Key figures</a>"
       "<a href=\"#targets\">Targets</a></div></nav>\n";
  h += "<main class=\"wrap\">\n";

  h += "<section id=\"map\"><h2>Map</h2><div class=\"map-grid\"><div>\n";
  h += render_map(data, view);
  h += "</div>\n" + render_legend(data, view) + "</div></section>\n";

  h += "<section id=\"altitude\"><h2>Altitude over time</h2>\n" + altitude_legend(data) +
       render_altitude(data) + "</section>\n";
  h += "<section id=\"timeline\"><h2>Timeline</h2>\n" + render_timelines(data) + "</section>\n";
  h += "<section id=\"figures\"><h2>Key figures</h2>\n" + render_figures(data) + "</section>\n";
  h += "<section id=\"targets\"><h2>Targets</h2>\n";
  if (!data.targets.empty())
    h += "<p class=\"summary\">" + std::to_string(passed) + " of " +
         std::to_string(data.targets.size()) + " targets pass.</p>\n";
  h += render_targets(data) + "</section>\n";
  h += "</main>\n<footer><div class=\"wrap\">trilink exercise report · self-contained page, "
       "no network needed · coastlines: Natural Earth 1:50m (public domain)</div></footer>\n";
  h += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace trilink::exports::report
