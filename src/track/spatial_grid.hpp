// Association, first half (STYLE 8): which tracks' gates may contain a measurement,
// without looking at every track-measurement pair.
//
// A uniform grid of cubic cells of side cell_m (m) over one Cartesian frame (ECEF in the
// tracker; build and queries must use the same frame): point p lies in cell
//   (floor(p.x / cell_m), floor(p.y / cell_m), floor(p.z / cell_m)).
// Only occupied cells are stored, hashed into a flat array of buckets (spatial hashing,
// Teschner et al., "Optimized spatial hashing for collision detection of deformable
// objects", VMV 2003); each record keeps its exact cell, so hash collisions cost a
// comparison, never a wrong answer.
//
// Each entry is a sphere (centre, radius in m; a gate). It is recorded in every cell of its
// bounding box whose cube comes within the radius of the centre (padded by a relative
// 1e-9 against rounding). An entry that would need more than max_cells_per_entry cells (or
// has an infinite radius) is kept in an "oversized" list that every query returns.
//
// Guarantee: a query at p visits every entry with |p - centre| <= radius, each exactly
// once. Not every candidate is inside: a recorded one may be up to radius + sqrt(3) cell_m
// away, an oversized one anywhere. The caller makes the exact (Mahalanobis) test.
//
// Cost: build is a counting sort of (cell, entry) records, O(entries + records); a query is
// one hash and a scan of one bucket. The buffers are kept: rebuilding with no more records
// than before allocates nothing. A cell about the size of a typical gate diameter records
// 1 to 8 cells per gate.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace trilink::track {

class SpatialGrid {
 public:
  // cell_m > 0 and finite; max_cells_per_entry >= 1 (asserted).
  explicit SpatialGrid(double cell_m, std::size_t max_cells_per_entry = 256);

  // Replaces the contents: entry i is the sphere (centres[i], radii[i]); radii >= 0 (may be
  // +inf), centres finite (asserted). Indices are the positions in the spans.
  void build(std::span<const Eigen::Vector3d> centres, std::span<const double> radii);

  // Calls f(std::uint32_t index) for each candidate entry for p (see the guarantee above).
  template <typename F>
  void for_each_candidate(const Eigen::Vector3d& p, F&& f) const {
    const Cell c = cell_of(p);
    const std::size_t b = bucket_of(c);
    for (std::uint32_t k = bucket_start_[b]; k < bucket_start_[b + 1]; ++k) {
      const Record& r = records_[k];
      if (r.cell == c) f(r.index);
    }
    for (const std::uint32_t index : oversized_) f(index);
  }

  // Convenience: the candidates for p in `out` (cleared first).
  void candidates(const Eigen::Vector3d& p, std::vector<std::uint32_t>& out) const;

  double cell_m() const { return cell_m_; }
  std::size_t entries() const { return entries_; }
  std::size_t records() const { return records_.size(); }  // (cell, entry) pairs stored
  std::size_t oversized() const { return oversized_.size(); }

 private:
  struct Cell {
    std::int32_t x = 0, y = 0, z = 0;
    bool operator==(const Cell&) const = default;
  };
  struct Record {
    Cell cell;
    std::uint32_t index = 0;
  };

  // Cell indices are clamped to +-2^30 (monotone, so the guarantee holds at the edges too;
  // a NaN coordinate maps to the lower edge).
  static constexpr double kCellLimit = 1073741824.0;
  // floor() by truncation, one lower for a negative non-integer: the same integer, without the
  // library's rounding sequence (a sixth of the grid's build before).
  std::int32_t axis_cell(double x_m) const {
    const double f = x_m * inv_cell_;
    if (!(f >= -kCellLimit)) return -static_cast<std::int32_t>(kCellLimit);
    if (!(f <= kCellLimit)) return static_cast<std::int32_t>(kCellLimit);
    const auto i = static_cast<std::int32_t>(f);
    return i - (f < static_cast<double>(i) ? 1 : 0);
  }
  Cell cell_of(const Eigen::Vector3d& p) const {
    return {axis_cell(p.x()), axis_cell(p.y()), axis_cell(p.z())};
  }
  std::size_t bucket_of(const Cell& c) const {
    std::uint64_t h = static_cast<std::uint32_t>(c.x) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<std::uint32_t>(c.y) * 0xC2B2AE3D27D4EB4FULL;
    h ^= static_cast<std::uint32_t>(c.z) * 0x165667B19E3779F9ULL;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    return static_cast<std::size_t>(h >> bucket_shift_);
  }

  double cell_m_;
  double inv_cell_;
  std::size_t max_cells_per_entry_;
  std::size_t entries_ = 0;
  int bucket_shift_ = 60;                    // 64 - log2(number of buckets)
  std::vector<std::uint32_t> bucket_start_;  // number of buckets + 1 offsets into records_
  std::vector<Record> records_;              // grouped by bucket
  std::vector<std::uint32_t> oversized_;     // entry indices
  std::vector<Record> staging_;              // build workspace, in entry order
  std::vector<std::uint32_t> staging_bucket_;
};

}  // namespace trilink::track
