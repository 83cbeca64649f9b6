#include "node/products.hpp"

#include "base/chi2.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "geo/angles.hpp"
#include "geo/frames.hpp"

namespace trilink::node {

track::Gaussian<9> with_zero_thrust(const track::Vec<6>& x, const track::Mat<6>& P) {
  track::Gaussian<9> g;
  g.x.setZero();
  g.x.head<6>() = x;
  g.P.setZero();
  g.P.topLeftCorner<6, 6>() = P;
  g.P.bottomRightCorner<3, 3>().diagonal().setConstant(track::BallisticModel::held_accel_var_m2ps4);
  return g;
}

ProductMaker::ProductMaker(ProductConfig config, share::Originator originator,
                           share::Releasability label)
    : config_(config),
      originator_(std::move(originator)),
      label_(label),
      impact_(config.beta_kgpm2, 3.0 * 3600.0, config.descent) {}

share::Matrix3 ecef_covariance(const geo::Geodetic& at, const Eigen::Matrix2d& cov_en) {
  const geo::LocalFrame frame(at);
  Eigen::Matrix3d enu = Eigen::Matrix3d::Zero();
  enu.topLeftCorner<2, 2>() = cov_en;
  enu(2, 2) = 1.0;  // 1 m^2: the point is on the ground
  const Eigen::Matrix3d R = frame.ecef_from_enu();
  Eigen::Matrix3d c = R * enu * R.transpose();
  return 0.5 * (c + c.transpose());
}

namespace {

double sigma_along(const Eigen::Matrix3d& P, const track::Vec3& u) {
  return std::sqrt(std::max(0.0, u.dot(P * u)));
}

// Whether a boosting state flies fast enough that its track would have a chord had it been
// tracked chord_min_s: its horizontal speed covers chord_min_length_m in that time. Such a
// track without one (just born: on a missile late in its boost, or on an object it dropped,
// its velocity biased by the boost model's thrust) draws no arc until it has one: untuned u15,
// a Korean track born at T+146 s on an IRBM past burnout at T+135 s, its velocity 8 deg off the
// path with a sigma of 1 deg, laid its arc over Ulleungdo.
bool chord_due(const track::Gaussian<9>& state, const BoostArcConfig& c) {
  const track::Vec3 p = state.x.head<3>(), v = state.x.segment<3>(3);
  const track::Vec3 up = p.normalized();  // near enough the vertical for a speed
  return (v - v.dot(up) * up).norm() * c.chord_min_s >= c.chord_min_length_m;
}

}  // namespace

std::optional<GroundHeading> chord_heading(const track::Vec3& then, const Eigen::Matrix3d& P_then,
                                           const track::Vec3& now, const Eigen::Matrix3d& P_now,
                                           double min_length_m) {
  geo::Geodetic a = geo::to_geodetic(geo::Ecef{then}), b = geo::to_geodetic(geo::Ecef{now});
  a.h_m = b.h_m = 0.0;
  const geo::SurfacePath back = geo::geodesic_inverse(b, a);
  if (!(back.distance_m >= min_length_m)) return std::nullopt;
  const double azimuth = geo::wrap_pi(back.azimuth_rad + std::numbers::pi);
  // Horizontal, across the chord (east-north-up at the present point; the two ends' frames
  // differ by a fraction of a degree over a chord of tens of km).
  const track::Vec3 across =
      geo::LocalFrame(b).ecef_vector(track::Vec3(std::cos(azimuth), -std::sin(azimuth), 0.0));
  const double sigma_m = std::hypot(sigma_along(P_then, across), sigma_along(P_now, across));
  return GroundHeading{azimuth, sigma_m / back.distance_m};
}

std::vector<warn::GroundPoint> boost_overflight_arc(
    const track::Gaussian<9>& state, geo::UtcTime t, const BoostArcConfig& c,
    const std::optional<GroundHeading>& path_heading) {
  const track::Vec3 p = state.x.head<3>();
  geo::Geodetic here = geo::to_geodetic(geo::Ecef{p});
  here.h_m = 0.0;
  const geo::LocalFrame frame(here);
  const track::Vec3 up = frame.ecef_vector(track::Vec3::UnitZ());
  const track::Vec3 v_enu = frame.enu_vector(state.x.segment<3>(3));
  const double speed_h = v_enu.head<2>().norm();
  // Descending: no thrust of these classes (a track restarted in the descent, still taken for
  // boosting until its burnout is declared).
  if (v_enu.z() <= 0.0 || speed_h < c.min_horizontal_speed_mps) return {};
  const Eigen::Matrix3d Pp = state.P.topLeftCorner<3, 3>(), Pv = state.P.block<3, 3>(3, 3);
  // The heading across: the velocity's, or its combination with the path's chord (the velocity
  // turned about the vertical to the combined heading).
  const auto across_of = [&](const track::Vec3& v) {
    return v.normalized().cross(up).normalized();
  };
  track::Vec3 v = state.x.segment<3>(3);
  double s_across = sigma_along(Pv, across_of(v));
  if (path_heading) {
    const double psi_v = std::atan2(v_enu.x(), v_enu.y());
    const double var_v = std::pow(s_across / speed_h, 2);
    const double var_c = std::pow(path_heading->sigma_rad, 2);
    const double d = geo::wrap_pi(path_heading->azimuth_rad - psi_v);
    if (!(std::abs(d) <= c.chord_consistency_sigmas * std::sqrt(var_v + var_c))) return {};
    const double turn = d * var_v / (var_v + var_c);
    v = Eigen::AngleAxisd(-turn, up) * v;  // clockwise from north: about -up
    s_across = speed_h * std::sqrt(var_v * var_c / (var_v + var_c));
  }
  track::Vec<9> start = state.x;
  start.segment<3>(3) = v;
  // Along the velocity, across it horizontally, and across it in the vertical plane.
  const track::Vec3 along = v.normalized();
  const track::Vec3 across = across_of(v);
  const track::Vec3 lift = across.cross(along);
  const double s_along = sigma_along(Pv, along), s_lift = sigma_along(Pv, lift);
  const double s_pos_across = sigma_along(Pp, across);

  // The fall without thrust (the predictor's ballistic fall, of the light body).
  const track::ImpactPredictor falling(c.beta_kgpm2, c.max_time_s);
  std::vector<track::Vec3> path;
  double t_fall = 0.0;
  track::Vec3 impact;
  if (!falling.fall(start, t_fall, impact, 0.0, &path, c.step_s)) return {};
  // The arc ends at the nearest impact of the slower states, steeper or flatter.
  double reach = geo::geodesic_inverse(here, geo::to_geodetic(geo::Ecef{impact})).distance_m;
  for (const double sign : {-1.0, 1.0}) {
    track::Vec<9> x = start;
    x.segment<3>(3) = v - c.sigmas * s_along * along + sign * c.sigmas * s_lift * lift;
    double t_i = 0.0;
    track::Vec3 impact_i;
    if (!falling.fall(x, t_i, impact_i)) return {};
    reach = std::min(reach,
                     geo::geodesic_inverse(here, geo::to_geodetic(geo::Ecef{impact_i})).distance_m);
  }
  std::vector<std::pair<track::Vec3, double>> timed;  // positions and seconds from t
  for (std::size_t k = 0; k < path.size(); ++k)
    timed.emplace_back(path[k], static_cast<double>(k) * c.step_s);
  timed.emplace_back(impact, t_fall);
  static const double chi2_95_2dof = chi2_quantile(0.95, 2);
  auto half_width = [&](double dt) {
    return std::sqrt(chi2_95_2dof) * std::hypot(s_pos_across, s_across * dt);
  };
  const double horizon_s = path_heading ? c.chord_horizon_s : c.horizon_s;
  std::vector<warn::GroundPoint> out;
  double before = 0.0;  // distance of the last point from here
  for (const auto& [r, dt] : timed) {
    geo::Geodetic g = geo::to_geodetic(geo::Ecef{r});
    g.h_m = 0.0;
    const double d = geo::geodesic_inverse(here, g).distance_m;
    if (out.empty() || (d <= reach && dt <= horizon_s)) {
      out.push_back({g, t.plus_seconds(dt), half_width(dt)});
      before = d;
      if (d >= reach || dt >= horizon_s) break;
      continue;
    }
    // The end (the reach, or the horizon) lies between the last point and this one.
    const warn::GroundPoint& last = out.back();
    const double last_dt = last.time.seconds_since(t);
    const double f = std::clamp(
        std::min((reach - before) / (d - before), (horizon_s - last_dt) / (dt - last_dt)), 0.0,
        1.0);
    const geo::SurfacePath seg = geo::geodesic_inverse(last.point, g);
    const double dt_end = last_dt + f * (dt - last_dt);
    out.push_back({geo::geodesic_direct(last.point, seg.azimuth_rad, f * seg.distance_m),
                   t.plus_seconds(dt_end), half_width(dt_end)});
    break;
  }
  return out;
}

std::vector<warn::GroundPoint> prediction_ground_track(const track::ImpactPrediction& p,
                                                       geo::UtcTime t, double heading_baseline_m) {
  std::vector<warn::GroundPoint> out;
  for (std::size_t k = 0; k < p.path.size(); ++k) {
    const double dt = static_cast<double>(k) * p.path_step_s;
    if (dt >= p.time_to_impact_s) break;
    geo::Geodetic g = geo::to_geodetic(geo::Ecef{p.path[k]});
    if (g.h_m <= 0.0) break;
    g.h_m = 0.0;
    out.push_back({g, t.plus_seconds(dt)});
  }
  out.push_back({p.point, t.plus_seconds(p.time_to_impact_s)});
  // The path's 95 % cross-track half-width: the impact ellipse's extent across the heading at
  // impact, grown linearly with time from the present (the spread a velocity error makes).
  // The heading is the ground track's over its last `heading_baseline_m`: the last steps of a
  // steep dive are metres long and point anywhere (a southward last step once laid a 160 km
  // long ellipse across an eastward path: false threats to Korea from SRBMs passing 10-30 km
  // off its territorial sea). A track nearer the impact than that has no heading to speak of:
  // the whole ellipse is its width.
  const auto from = std::ranges::find_if(out.rbegin(), out.rend(), [&](const auto& g) {
    return geo::geodesic_inverse(g.point, p.point).distance_m >= heading_baseline_m;
  });
  if (from != out.rend() && p.time_to_impact_s > 0.0) {
    const double heading =
        geo::geodesic_inverse(p.point, from->point).azimuth_rad + std::numbers::pi;
    const warn::ImpactEllipse e{p.point, p.ellipse.semi_major_m, p.ellipse.semi_minor_m,
                                p.ellipse.orientation_rad};
    const double at_impact = warn::cross_track_half_width_m(e, heading);
    for (auto& g : out)
      g.half_width_m =
          at_impact * std::clamp(g.time.seconds_since(t) / p.time_to_impact_s, 0.0, 1.0);
  } else {
    out.back().half_width_m = std::max(p.ellipse.semi_major_m, p.ellipse.semi_minor_m);
  }
  return out;
}

std::optional<GroundHeading> ProductMaker::path_heading(PerTrack& pt, const TrackView& t) const {
  const BoostArcConfig& c = config_.boost_arc;
  while (!pt.path.empty() && t.time.seconds_since(pt.path.front().time) > c.chord_max_s)
    pt.path.pop_front();
  std::optional<GroundHeading> heading;
  if (!pt.path.empty() && t.time.seconds_since(pt.path.front().time) >= c.chord_min_s)
    heading = chord_heading(pt.path.front().p, pt.path.front().P, t.state.x.head<3>(),
                            t.state.P.topLeftCorner<3, 3>(), c.chord_min_length_m);
  pt.path.push_back({t.time, t.state.x.head<3>(), t.state.P.topLeftCorner<3, 3>()});
  return heading;
}

bool ProductMaker::velocity_known(const TrackView& t) const {
  return std::sqrt(std::max(0.0, t.state.P.block<3, 3>(3, 3).trace())) <=
         config_.max_velocity_sigma_mps;
}

Products ProductMaker::update(const TrackView& t) {
  Products out;
  PerTrack& pt = tracks_[t.id];
  if (!t.confirmed) return out;
  if (t.boosting) {
    if (config_.boost_overflight && (!pt.next_arc || t.time >= *pt.next_arc)) {
      pt.next_arc = t.time.plus_seconds(config_.arc_interval_s);
      // No arc from a velocity unknown to hundreds of m/s: a track born late in a pull-up,
      // still called boosting, once drew one 80 km across onto Korea.
      if (pt.boost_arc.size() >= 2) {
        auto before = std::make_shared<warn::TrackSituation>();
        before->system_track_id = t.id;
        before->confirmed = true;
        before->boost_arc = true;
        before->ground_track = std::move(pt.boost_arc);
        pt.arc_before = std::move(before);
      }
      const std::optional<GroundHeading> heading = path_heading(pt, t);
      pt.boost_arc = velocity_known(t) && (heading || !chord_due(t.state, config_.boost_arc))
                         ? boost_overflight_arc(t.state, t.time, config_.boost_arc, heading)
                         : std::vector<warn::GroundPoint>{};
    }
    if (pt.next_launch_report && t.time < *pt.next_launch_report) return out;
    const track::LaunchEstimate e = launch_.estimate(t.state);
    if (!e.valid) return out;
    pt.next_launch_report = t.time.plus_seconds(config_.launch_report_interval_s);
    share::LaunchReport r;
    r.header.originator = originator_;
    r.header.time_of_validity = t.time;
    r.header.releasability = label_;
    r.system_track_id = t.id;
    r.launch_point_ecef_m = geo::to_ecef(e.point).r_m;
    r.launch_point_covariance_m2 = ecef_covariance(e.point, e.ellipse.cov_en);
    r.launch_time = t.time.plus_seconds(-e.time_before_s);
    r.launch_time_sigma_s = e.time_sigma_s;
    out.launch = r;
    out.launch_estimate = e;
    return out;
  }
  if (pt.next_prediction && t.time < *pt.next_prediction) return out;
  pt.next_prediction = t.time.plus_seconds(config_.prediction_interval_s);
  if (!velocity_known(t)) return out;
  track::ImpactPrediction p =
      impact_.predict(t.state, t.drag, config_.ground_track_step_s, &pt.descent);
  if (!p.valid) {
    ++prediction_failures_;
    return out;
  }
  share::ImpactPrediction m;
  m.header.originator = originator_;
  m.header.time_of_validity = t.time;
  m.header.releasability = label_;
  m.system_track_id = t.id;
  m.impact_point_ecef_m = geo::to_ecef(p.point).r_m;
  m.semi_major_m = p.ellipse.semi_major_m;
  m.semi_minor_m = p.ellipse.semi_minor_m;
  m.major_axis_azimuth_rad = p.ellipse.orientation_rad;
  m.time_of_impact = t.time.plus_seconds(p.time_to_impact_s);
  pt.consistent = false;
  if (pt.last) {
    const double moved = (pt.last->impact_point_ecef_m - m.impact_point_ecef_m).norm();
    pt.consistent = moved <= pt.last->semi_major_m + m.semi_major_m &&
                    m.semi_minor_m <= config_.max_semi_minor_growth * pt.last->semi_minor_m +
                                          config_.semi_minor_growth_floor_m;
  }
  if (!pt.consistent) pt.next_prediction = t.time.plus_seconds(config_.confirm_interval_s);
  if (pt.last) {
    auto before = std::make_shared<warn::TrackSituation>();
    before->system_track_id = t.id;
    before->confirmed = true;
    before->impact_valid = true;
    before->ellipse = warn::ellipse_of(*pt.last);
    before->impact_support = std::move(pt.support);
    before->time_of_impact = pt.last->time_of_impact;
    before->ground_track = std::move(pt.ground_track);
    pt.before = std::move(before);
  }
  pt.last = m;
  pt.ground_track = prediction_ground_track(p, t.time, config_.heading_baseline_m);
  pt.support.clear();
  for (const auto& q : p.hypothesis_points)
    pt.support.push_back({q, p.hypothesis_ellipse.semi_major_m, p.hypothesis_ellipse.semi_minor_m,
                          p.hypothesis_ellipse.orientation_rad});
  p.path.clear();  // kept in the ground track; the estimate is for scoring
  out.impact = m;
  out.impact_estimate = std::move(p);
  return out;
}

warn::TrackSituation ProductMaker::situation(const TrackView& t) const {
  warn::TrackSituation s;
  s.system_track_id = t.id;
  s.confirmed = t.confirmed;
  s.kinematics =
      warn::TrackKinematics{t.time,
                            t.state.x.head<3>(),
                            t.state.x.segment<3>(3),
                            t.boosting,
                            std::sqrt(std::max(0.0, t.state.P.topLeftCorner<3, 3>().trace())),
                            std::sqrt(std::max(0.0, t.state.P.block<3, 3>(3, 3).trace()))};
  const auto it = tracks_.find(t.id);
  if (it != tracks_.end() && t.boosting && t.confirmed && it->second.boost_arc.size() >= 2) {
    s.boost_arc = true;
    s.ground_track = it->second.boost_arc;
    s.previous = it->second.arc_before;
    return s;
  }
  if (it == tracks_.end() || !it->second.last || !it->second.consistent || t.boosting ||
      it->second.last->semi_major_m > config_.max_warning_semi_major_m)
    return s;
  const share::ImpactPrediction& p = *it->second.last;
  s.impact_valid = true;
  s.ellipse = warn::ellipse_of(p);
  s.impact_support = it->second.support;
  s.time_of_impact = p.time_of_impact;
  s.ground_track = it->second.ground_track;
  s.previous = it->second.before;
  return s;
}

}  // namespace trilink::node
