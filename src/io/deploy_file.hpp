// The deployment file of the live runtime (deploy/*.yaml, docs/live.md): where one host's
// trilink nodes find each other and their credentials. Paths in it are relative to the file.
//
//   scenario: ../scenarios/f08.yaml   # sites, radars, areas and policy the network runs
//   policy: policy.yaml               # optional: another releasability policy than the scenario's
//   interface: 127.0.0.1              # required: an address or an interface name
//   peers: [127.0.0.1]                # unicast discovery peers (multicast is always off)
//   lease_s: 10                       # participant lease: a silent participant is gone after it
//   announce_s: 0.5                   # discovery announcements: a peer lost in a cut longer than
//                                     # the lease is found again within this after the restore
//   deadline_s: 30                    # node health: a missed heartbeat after this is reported
//   heartbeat_s: 1                    # wall-clock period of the hub's and radars' heartbeats
//   domains: {JPN: 11, KOR: 12, USA: 13, link_JPN: 21, link_KOR: 22, link_USA: 23}
//   security: true                    # DDS Security (false only for a bare benchmark)
//   pki: pki                          # the folder `trilink pki init` wrote
//   recordings: rec                   # each node records to <recordings>/<NODE>.db
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/nation.hpp"

namespace trilink::io {

struct Deployment {
  std::string path;      // the file (for messages)
  std::string scenario;  // resolved; "" when the file names none
  std::string policy;    // resolved; "": the scenario's
  std::string interface;
  std::vector<std::string> peers;
  double lease_s = 10.0;
  double announce_s = 0.5;
  double deadline_s = 30.0;
  double heartbeat_s = 1.0;
  std::map<Nation, int> nation_domains;  // a nation's radars and its node
  std::map<Nation, int> link_domains;    // the nation's node and the hub
  bool security = true;
  std::string pki;         // resolved
  std::string recordings;  // resolved
};

// Error "FILE:LINE: FIELD: what is wrong" for a missing or bad field (interface included: a
// deployment that names no interface is refused), two uses of one domain id, an id outside
// 0..230.
Expected<Deployment> load_deployment(const std::string& path);

// The text of a deployment file with these settings (what `trilink live` writes for its run).
std::string deployment_yaml(const Deployment& d);

}  // namespace trilink::io
