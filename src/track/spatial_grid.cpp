#include "track/spatial_grid.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace trilink::track {

SpatialGrid::SpatialGrid(double cell_m, std::size_t max_cells_per_entry)
    : cell_m_(cell_m), inv_cell_(1.0 / cell_m), max_cells_per_entry_(max_cells_per_entry) {
  assert(std::isfinite(cell_m) && cell_m > 0.0);
  assert(max_cells_per_entry >= 1);
  bucket_start_.assign((std::size_t{1} << (64 - bucket_shift_)) + 1, 0);
}

void SpatialGrid::build(std::span<const Eigen::Vector3d> centres, std::span<const double> radii) {
  assert(centres.size() == radii.size());
  assert(centres.size() < std::numeric_limits<std::uint32_t>::max());
  entries_ = centres.size();
  staging_.clear();
  oversized_.clear();

  // Distance from coordinate x to the cube of cell index i along one axis; a clamped edge
  // cell extends to infinity.
  const auto gap = [this](double x, std::int32_t i) {
    if (i <= -static_cast<std::int32_t>(kCellLimit) || i >= static_cast<std::int32_t>(kCellLimit))
      return 0.0;
    const double lo = static_cast<double>(i) * cell_m_;
    const double hi = lo + cell_m_;
    return x < lo ? lo - x : (x > hi ? x - hi : 0.0);
  };

  for (std::size_t e = 0; e < centres.size(); ++e) {
    const Eigen::Vector3d& c = centres[e];
    const double r = radii[e];
    assert(c.allFinite());
    assert(r >= 0.0);
    const auto index = static_cast<std::uint32_t>(e);
    if (!(r < std::numeric_limits<double>::infinity())) {
      oversized_.push_back(index);
      continue;
    }
    const double rp = r + 1e-9 * (r + cell_m_ + c.cwiseAbs().maxCoeff());
    const Cell lo = cell_of(Eigen::Vector3d(c.array() - rp));
    const Cell hi = cell_of(Eigen::Vector3d(c.array() + rp));
    const double cells = (static_cast<double>(hi.x) - lo.x + 1.0) *
                         (static_cast<double>(hi.y) - lo.y + 1.0) *
                         (static_cast<double>(hi.z) - lo.z + 1.0);
    if (cells > static_cast<double>(max_cells_per_entry_)) {
      oversized_.push_back(index);
      continue;
    }
    const double rp2 = rp * rp;
    for (std::int32_t x = lo.x; x <= hi.x; ++x) {
      const double dx = gap(c.x(), x);
      for (std::int32_t y = lo.y; y <= hi.y; ++y) {
        const double dy = gap(c.y(), y);
        const double dxy2 = dx * dx + dy * dy;
        if (dxy2 > rp2) continue;
        for (std::int32_t z = lo.z; z <= hi.z; ++z) {
          const double dz = gap(c.z(), z);
          if (dxy2 + dz * dz <= rp2) staging_.push_back({{x, y, z}, index});
        }
      }
    }
  }

  // Counting sort of the records by bucket; about one bucket per record.
  int bits = 4;
  while ((std::size_t{1} << bits) < staging_.size()) ++bits;
  bucket_shift_ = 64 - bits;
  const std::size_t buckets = std::size_t{1} << bits;
  bucket_start_.assign(buckets + 1, 0);
  staging_bucket_.resize(staging_.size());
  for (std::size_t k = 0; k < staging_.size(); ++k) {
    const auto b = static_cast<std::uint32_t>(bucket_of(staging_[k].cell));
    staging_bucket_[k] = b;
    ++bucket_start_[b + 1];
  }
  for (std::size_t b = 1; b <= buckets; ++b) bucket_start_[b] += bucket_start_[b - 1];
  records_.resize(staging_.size());
  for (std::size_t k = 0; k < staging_.size(); ++k)
    records_[bucket_start_[staging_bucket_[k]]++] = staging_[k];
  // Each start has moved to the next bucket's start: shift back.
  for (std::size_t b = buckets; b > 0; --b) bucket_start_[b] = bucket_start_[b - 1];
  bucket_start_[0] = 0;
}

void SpatialGrid::candidates(const Eigen::Vector3d& p, std::vector<std::uint32_t>& out) const {
  out.clear();
  for_each_candidate(p, [&out](std::uint32_t index) { out.push_back(index); });
}

}  // namespace trilink::track
