// A track's status, the same inside a nation's tracker and in the messages it sends.
#pragma once

#include <cstdint>
#include <string_view>

namespace trilink {

enum class TrackStatus : std::uint8_t { tentative, confirmed, coasting, dropped };

constexpr std::string_view to_string(TrackStatus s) {
  switch (s) {
    case TrackStatus::tentative:
      return "tentative";
    case TrackStatus::confirmed:
      return "confirmed";
    case TrackStatus::coasting:
      return "coasting";
    case TrackStatus::dropped:
      return "dropped";
  }
  return "?";
}

}  // namespace trilink
