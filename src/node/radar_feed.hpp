// A radar feed (DESIGN.md, "Nodes"): one per radar, publishing each look's plots to its
// nation's node as share::Detection messages. The plots come from the radar simulation in an
// exercise, or from an adapter on a real detection stream in a live system. A detection never
// leaves its nation: it is labelled with its own nation only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sensor/radar.hpp"
#include "share/messages.hpp"

namespace trilink::node {

class RadarFeed {
 public:
  // `sensor_id` is the radar's number inside its nation (its national node's sensor index).
  RadarFeed(Nation nation, std::string name, std::uint32_t sensor_id)
      : nation_(nation), name_(std::move(name)), sensor_id_(sensor_id) {}

  // One look's plots, in order, each with the next sequence number.
  std::vector<share::Detection> look(std::span<const sensor::Detection> plots);

  const std::string& name() const { return name_; }
  std::uint32_t sensor_id() const { return sensor_id_; }

 private:
  Nation nation_;
  std::string name_;
  std::uint32_t sensor_id_;
  std::uint64_t sequence_ = 0;
};

}  // namespace trilink::node
