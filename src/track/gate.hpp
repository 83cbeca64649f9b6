// Gate (association, first half; STYLE 8): which measurements of a scan may be which
// track's.
//
// A measurement z is inside a track's gate when its innovation passes the chi-square test
//   NIS = nu' S^-1 nu <= chi2      (3 dof, P = 0.999 by default)
// with nu and S from the filter (Filter::gate: the EKF's linearisation, the UKF's transform,
// the IMM's closest mode), so the test is the filter's own. Rather than testing every
// track-measurement pair, each track's gate is bounded by a sphere about its predicted
// position, radius Filter::gate_radius_m (from chi2 and the sensor's bound on its noise),
// and the spheres go into a SpatialGrid: a measurement is tested only against the tracks
// whose sphere may hold it (the grid's guarantee: none is missed). A pair whose innovation
// fails numerically is counted by its status and never gated.
//
// A measurement with a range rate (a Doppler radar's) passes a second, one-dof test: the
// squared difference from the track's predicted range rate over its variance (the state's
// position-velocity covariance through RangeAzEl::range_rate's gradient, plus the
// measurement's) at most `range_rate_chi2`, and that term is added to the pair's cost. The
// position gate alone takes any plot within the track's position error, which for a track
// that has just burnt out holds the fragments and the spent stage of its separation (tens of
// m/s apart, metres apart at first): the debris scenario's IRBM to Guam, its US track's velocity
// 100-600 m/s off the missile's for 30 s after burnout, its boost probability back to 1 again
// and again, burnout declared 23 s late at the US node. The two tests are
// taken as independent (the innovations' correlation through the state's position-velocity
// covariance is left out), so a Doppler scan's pairs cost at most chi2 + range_rate_chi2. The
// predicted rate's variance also holds `range_rate_model_sigma_mps`: what the state's
// covariance does not know (ballistic tracks' rates predicted to 0.1-1 m/s while their
// missiles' plots came 3-4 m/s off; without it, untuned p04's two SRBMs 4 s apart gave the
// US node 3 more repeated launch alerts, as those tracks lost their plots). Tracks at an SRBM's
// boost speeds (650-780 m/s, p04) saw plots 40-65 m/s off at 6-10 m/s of sigma: such plots
// still fail the test (left).
//
// Per scan: build() with the tracks' predicted states, then test() with the measurements.
// Out come the gated pairs (track, index into `valid`, cost = NIS, plus the range-rate term), each
// with its innovation, in measurement order and, for one measurement, in the grid's order; with
// near misses asked for, per track whether anything came inside its gate and the nearest
// measurement outside it (for the track's diagnostic).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "base/chi2.hpp"
#include "track/assignment.hpp"
#include "track/kalman.hpp"
#include "track/spatial_grid.hpp"

namespace trilink::track {

struct GateConfig {
  double chi2 = chi2_quantile(0.999, 3);  // chi-square, 3 dof, P = 0.999
  double grid_cell_m = 2000.0;            // spatial grid cell: about a typical gate's diameter
  // The range-rate test (1 dof, P = 0.999; 0: range rates not used).
  double range_rate_chi2 = chi2_quantile(0.999, 1);
  // Added to the predicted range rate's standard deviation in quadrature, m/s: what the
  // state's covariance does not hold (a ballistic track's is a fraction of a m/s).
  double range_rate_model_sigma_mps = 5.0;
};

template <int N>
class Gate {
 public:
  // The closest measurement outside a track's gate.
  struct NearMiss {
    double nis = std::numeric_limits<double>::infinity();  // +inf: none was tested
    Vec3 nu = Vec3::Zero();
    Mat3 S = Mat3::Identity();
  };

  explicit Gate(GateConfig config) : config_(config), grid_(config.grid_cell_m) {}

  const GateConfig& config() const { return config_; }
  double chi2() const { return config_.chi2; }
  // The most a gated pair of the last test() may cost (what leaving a track unassigned costs).
  double max_cost() const { return config_.chi2 + (range_rates_ ? config_.range_rate_chi2 : 0.0); }

  // Sizes and indexes the gates of the tracks whose predicted states are `priors` (track k
  // is priors[k]), for measurements of `sensor`.
  template <typename Filter, typename Sensor>
  void build(const Filter& filter, std::span<const typename Filter::State> priors,
             const Sensor& sensor) {
    centres_.resize(priors.size());
    radii_.resize(priors.size());
    for (std::size_t k = 0; k < priors.size(); ++k) {
      centres_[k] = pos(filter.combined(priors[k]).x);
      radii_[k] =
          filter.gate_radius_m(priors[k], sensor.variance_bound_m2(centres_[k]), config_.chi2);
    }
    grid_.build(centres_, radii_);
  }

  // Tests measurements scan[valid[j]] against the gates of build(); numerical failures are
  // added to `failures` by status.
  template <typename Filter, typename Sensor>
  void test(const Filter& filter, std::span<const typename Filter::State> priors,
            const Sensor& sensor, std::span<const Measurement> scan,
            std::span<const std::uint32_t> valid, bool near_misses, FailureCounts& failures) {
    if (near_misses) {
      nearest_.assign(priors.size(), NearMiss{});
      gated_.assign(priors.size(), false);
    }
    pairs_.clear();
    innovations_.clear();
    range_rates_ = false;
    for (std::uint32_t j = 0; j < valid.size(); ++j) {
      const Measurement& m = scan[valid[j]];
      const bool range_rate = config_.range_rate_chi2 > 0.0 && m.range_rate_mps.has_value();
      range_rates_ = range_rates_ || range_rate;
      grid_.for_each_candidate(sensor.position(m.z), [&](std::uint32_t k) {
        Innovation<N> in = filter.gate(priors[k], sensor, m);
        if (!in.ok()) {
          ++failures[static_cast<std::size_t>(in.status)];
          return;
        }
        if (in.nis > config_.chi2) {
          if (near_misses && in.nis < nearest_[k].nis) nearest_[k] = NearMiss{in.nis, in.nu, in.S};
          return;
        }
        double cost = in.nis;
        if constexpr (requires { sensor.range_rate(Vec3{}, Vec3{}); }) {
          if (range_rate) {
            const auto& g = filter.combined(priors[k]);
            const RangeRatePrediction r = sensor.range_rate(pos(g.x), vel(g.x));
            const double var =
                (r.J * g.P.template topLeftCorner<6, 6>() * r.J.transpose())(0, 0) +
                m.range_rate_var +
                config_.range_rate_model_sigma_mps * config_.range_rate_model_sigma_mps;
            const double e = *m.range_rate_mps - r.range_rate_mps;
            const double d2 = e * e / var;
            if (!(d2 <= config_.range_rate_chi2)) {  // NaN fails too
              if (near_misses && in.nis + d2 < nearest_[k].nis)
                nearest_[k] = NearMiss{in.nis + d2, in.nu, in.S};
              return;
            }
            cost += d2;
          }
        }
        pairs_.push_back(GatedPair{k, j, cost});
        innovations_.push_back(std::move(in));
      });
    }
    if (near_misses)
      for (const auto& p : pairs_) gated_[p.row] = true;
  }

  std::span<const GatedPair> pairs() const { return pairs_; }
  // The innovation of each pair.
  std::span<const Innovation<N>> innovations() const { return innovations_; }
  // Track k's predicted position (the centre of its gate sphere).
  const Vec3& centre(std::size_t k) const { return centres_[k]; }
  // With near misses: whether a measurement came inside track k's gate, and the nearest
  // that did not.
  bool gated(std::size_t k) const { return gated_[k]; }
  const NearMiss& near_miss(std::size_t k) const { return nearest_[k]; }
  // The gate spheres, for other components' neighbour searches around the tracks.
  const SpatialGrid& grid() const { return grid_; }

 private:
  GateConfig config_;
  SpatialGrid grid_;
  // Workspace reused scan after scan.
  std::vector<Vec3> centres_;
  std::vector<double> radii_;
  std::vector<GatedPair> pairs_;
  std::vector<Innovation<N>> innovations_;
  std::vector<NearMiss> nearest_;
  std::vector<bool> gated_;
  bool range_rates_ = false;  // the last test() used range rates
};

}  // namespace trilink::track
