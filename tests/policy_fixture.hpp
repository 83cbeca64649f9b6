// The bundled policy (deploy/policy.yaml) built in code, for tests of folders above io/:
// every node registered, every nation may grant every label, every shared type released to
// all nations but node health (USA only).
#pragma once

#include "share/policy.hpp"

namespace trilink::test_fixtures {

inline share::Policy bundled_policy() {
  using share::MessageType;
  const share::Releasability all = share::Releasability::all();
  share::Policy p;
  p.nations = {{Nation::USA, {"INDOPACOM", "C2BMC"}, all},
               {Nation::JPN, {"JADGE"}, all},
               {Nation::KOR, {"KAMD"}, all}};
  for (auto t : {MessageType::local_track, MessageType::system_track, MessageType::launch_report,
                 MessageType::impact_prediction, MessageType::alert})
    p.shared.push_back({t, all});
  p.shared.push_back({MessageType::node_health, {Nation::USA}});
  return p;
}

}  // namespace trilink::test_fixtures
