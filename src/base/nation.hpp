// The nations of the network. A nation is this type wherever one is meant (radars, nodes,
// messages, areas, alerts); text only at the edges ("USA", "JPN", "KOR").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace trilink {

enum class Nation : std::uint8_t { USA, JPN, KOR };
inline constexpr std::array<Nation, 3> all_nations{Nation::USA, Nation::JPN, Nation::KOR};

constexpr std::string_view to_string(Nation n) {
  switch (n) {
    case Nation::USA:
      return "USA";
    case Nation::JPN:
      return "JPN";
    case Nation::KOR:
      return "KOR";
  }
  return "?";
}

// "USA", "JPN", "KOR" (exact, upper case); nullopt for anything else.
constexpr std::optional<Nation> parse_nation(std::string_view text) {
  for (Nation n : all_nations)
    if (to_string(n) == text) return n;
  return std::nullopt;
}

}  // namespace trilink
