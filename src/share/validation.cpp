#include "share/validation.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

#include "share/boundary.hpp"

namespace trilink::share {
namespace {

bool finite(double v) {
  return std::isfinite(v);
}
bool finite(const std::optional<double>& v) {
  return !v || std::isfinite(*v);
}
template <typename Derived>
bool finite(const Eigen::MatrixBase<Derived>& m) {
  return m.allFinite();
}
bool finite(const std::optional<Vector3>& v) {
  return !v || v->allFinite();
}

bool fields_finite(const Detection& d) {
  return finite(d.range_m) && finite(d.az_rad) && finite(d.el_rad) && finite(d.range_rate_mps) &&
         finite(d.sigma_range_m) && finite(d.sigma_az_rad) && finite(d.sigma_el_rad) &&
         finite(d.sigma_range_rate_mps);
}
bool fields_finite(const LocalTrack& t) {
  for (const auto& s : t.sensors)
    if (!finite(s.position_ecef_m)) return false;
  return finite(t.position_ecef_m) && finite(t.velocity_ecef_mps) &&
         finite(t.acceleration_ecef_mps2) && finite(t.covariance);
}
bool fields_finite(const SystemTrack& t) {
  return finite(t.position_ecef_m) && finite(t.velocity_ecef_mps) && finite(t.covariance);
}
bool fields_finite(const LaunchReport& r) {
  return finite(r.launch_point_ecef_m) && finite(r.launch_point_covariance_m2) &&
         finite(r.launch_time_sigma_s);
}
bool fields_finite(const ImpactPrediction& p) {
  return finite(p.impact_point_ecef_m) && finite(p.semi_major_m) && finite(p.semi_minor_m) &&
         finite(p.major_axis_azimuth_rad);
}
bool fields_finite(const Alert& a) {
  return finite(a.time_to_impact_s);
}
bool fields_finite(const NodeHealth&) {
  return true;
}

// Symmetric to 1e-9 of its largest entry, and no eigenvalue below -1e-9 of the largest.
template <int N>
std::optional<std::string> covariance_problem(const Eigen::Matrix<double, N, N>& p) {
  const double scale = p.cwiseAbs().maxCoeff();
  const double tol = 1e-9 * std::max(scale, 1e-300);
  if ((p - p.transpose()).cwiseAbs().maxCoeff() > tol) return "covariance is not symmetric";
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, N, N>> es(p, Eigen::EigenvaluesOnly);
  if (es.info() != Eigen::Success) return "covariance eigenvalues did not converge";
  const double smallest = es.eigenvalues().minCoeff();
  if (smallest < -tol) return "covariance has a negative eigenvalue " + std::to_string(smallest);
  return std::nullopt;
}

std::optional<std::string> covariance_problem(const Message& m) {
  if (const auto* t = std::get_if<LocalTrack>(&m)) return covariance_problem(t->covariance);
  if (const auto* t = std::get_if<SystemTrack>(&m)) return covariance_problem(t->covariance);
  if (const auto* r = std::get_if<LaunchReport>(&m))
    return covariance_problem(r->launch_point_covariance_m2);
  return std::nullopt;
}

std::string who(const Originator& o) {
  return std::string(to_string(o.nation)) + "/" + o.node;
}

}  // namespace

std::string_view to_string(Rejection r) {
  switch (r) {
    case Rejection::unsupported_schema:
      return "unsupported_schema";
    case Rejection::non_finite:
      return "non_finite";
    case Rejection::unknown_originator:
      return "unknown_originator";
    case Rejection::type_not_shared:
      return "type_not_shared";
    case Rejection::sensor_identity:
      return "sensor_identity";
    case Rejection::label_too_wide:
      return "label_too_wide";
    case Rejection::bad_covariance:
      return "bad_covariance";
    case Rejection::replay:
      return "replay";
  }
  return "?";
}

bool all_finite(const Message& m) {
  return std::visit([](const auto& x) { return fields_finite(x); }, m);
}

std::uint64_t Gatekeeper::rejected_total() const {
  std::uint64_t n = 0;
  for (auto c : rejected_) n += c;
  return n;
}

std::optional<std::uint64_t> Gatekeeper::last_sequence(Nation nation,
                                                       const std::string& node) const {
  const auto it = last_sequence_.find({nation, node});
  if (it == last_sequence_.end()) return std::nullopt;
  return it->second;
}

Verdict Gatekeeper::reject(Rejection r, std::string detail) {
  ++rejected_[static_cast<std::size_t>(r)];
  return Verdict{r, std::move(detail)};
}

Verdict Gatekeeper::admit(const Message& m) {
  const Header& h = header(m);
  const MessageType type = type_of(m);
  if (h.schema_version != schema_version)
    return reject(Rejection::unsupported_schema,
                  "schema version " + std::to_string(h.schema_version) + ", expected " +
                      std::to_string(schema_version));
  if (!all_finite(m)) return reject(Rejection::non_finite, "a number is not finite");
  if (!policy_.is_registered(h.originator))
    return reject(Rejection::unknown_originator,
                  "node " + who(h.originator) + " is not registered in the policy");
  if (!policy_.is_shared(type))
    return reject(Rejection::type_not_shared, std::string(to_string(type)) + " may not be shared");
  if (!may_leave_nation(m)) return reject(Rejection::sensor_identity, "the message names a sensor");
  const Releasability grantable = policy_.max_label(h.originator.nation);
  if (!h.releasability.is_subset_of(grantable))
    return reject(Rejection::label_too_wide, "label " + to_string(h.releasability) + " but " +
                                                 who(h.originator) + " may grant only " +
                                                 to_string(grantable));
  if (auto problem = covariance_problem(m)) return reject(Rejection::bad_covariance, *problem);
  const auto key = std::make_pair(h.originator.nation, h.originator.node);
  if (const auto it = last_sequence_.find(key);
      it != last_sequence_.end() && h.sequence <= it->second)
    return reject(Rejection::replay, "sequence " + std::to_string(h.sequence) + " from " +
                                         who(h.originator) + " after " +
                                         std::to_string(it->second));
  last_sequence_[key] = h.sequence;
  ++admitted_;
  return Verdict{};
}

}  // namespace trilink::share
