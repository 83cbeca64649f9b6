// Track-to-track association at the hub (DESIGN.md "Fusion"), in the two halves of STYLE 8.
//
// Gate. Two time-aligned estimates (x1, P1), (x2, P2) of one target differ by D = x1 - x2
// with covariance S = P1 + P2 (the cross-covariance of independent national trackers is
// neglected: Bar-Shalom & Campo's common-process-noise term is small for trackers on
// different radars), so d^2 = D' S^-1 D is chi-square distributed; S^-1 D by LLT.
// Default: the full state, 6 degrees of freedom, gate chi2_6(0.999) = 22.458 - velocity
// separates objects that are close in position (a booster and its warhead, debris), and
// every nation reports it. `position_only` tests D = p1 - p2 with 3 degrees of freedom,
// gate chi2_3(0.999) = 16.266, for tracks whose velocity is still poor.
//
// Assignment. Groups (system tracks) and candidates (national tracks) are associated one
// nation at a time, in Nation order: for nation n, the rows are the groups with no member
// of n, the columns are the candidates of n, a pair is gated when the candidate passes the
// gate with every member of the group and costs the largest of those d^2; the GNN
// associator (track/assignment.hpp, miss cost = the gate) picks the pairs. A candidate left
// over starts a new group. This sequential pairwise GNN is the usual approximation of the
// S-dimensional assignment (Deb, Yeddanapudi, Pattipati & Bar-Shalom, IEEE TAES 33(2), 1997).
// A group therefore never holds two tracks of one nation.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "fusion/time_alignment.hpp"
#include "share/messages.hpp"
#include "track/assignment.hpp"

namespace trilink::fusion {

inline constexpr double chi2_6dof_0999 = 22.458;
inline constexpr double chi2_3dof_0999 = 16.266;

struct AssociationConfig {
  bool position_only = false;
  double gate = chi2_6dof_0999;  // use chi2_3dof_0999 with position_only

  static AssociationConfig position(double g = chi2_3dof_0999) { return {true, g}; }
};

// d^2 of the difference of two estimates at one time (see above); a failure when P1 + P2 is
// not positive definite or the result is not finite.
FusionResult<double> distance_squared(const Estimate& a, const Estimate& b,
                                      const AssociationConfig& config);

// A national track, time-aligned.
struct Candidate {
  Nation nation = Nation::USA;
  Estimate estimate;
};

// An existing group: the aligned estimates it is tested against (its live members, or its
// coasting fused state) and the nations it already holds.
struct Group {
  std::vector<Estimate> members;
  share::Releasability nations;
};

// One gate test, for diagnostics (STYLE 6).
struct GateTest {
  std::size_t group = 0;
  std::size_t candidate = 0;
  double d2 = 0.0;  // the largest over the group's members
  bool gated = false;
};

struct Grouping {
  // Per candidate: its group; indices below groups.size() are the given groups, the rest are
  // new groups, numbered in order of creation.
  std::vector<std::size_t> group_of;
  std::size_t new_groups = 0;
  std::vector<GateTest> tests;
};

class TrackAssociator {
 public:
  explicit TrackAssociator(AssociationConfig config = {}) : config_(config) {}

  // Assigns every candidate to one of `groups` or to a new group. Candidates must be
  // checked estimates (check_estimate); a numerical failure of one gate test counts as
  // "not gated" and is recorded in `tests`.
  Grouping associate(std::span<const Group> groups, std::span<const Candidate> candidates);

  const AssociationConfig& config() const { return config_; }

 private:
  AssociationConfig config_;
  track::GnnAssociator gnn_;
};

}  // namespace trilink::fusion
