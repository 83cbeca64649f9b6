// Cyclone DDS configuration, generated per participant (docs/live.md, "Network safety"): the
// network part pins the participant to one interface (an address such as 127.0.0.1, or a name
// such as lo or eth1) with multicast off and unicast discovery to the named peers; the security
// part names the participant's identity and permissions and the deployment's CAs and signed
// governance (Cyclone's built-in plugins: PKI-DH authentication, access control, AES-GCM).
// trilink refuses to create a participant whose configuration does not name an interface and
// turn multicast off (network_problem), whatever wrote it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trilink::bus {

struct NetworkSettings {
  std::string interface;           // "127.0.0.1", "198.51.100.1", "lo", "veth0"
  std::vector<std::string> peers;  // unicast discovery peers (addresses)
  double lease_s = 10.0;           // participant lease (discovery)
  int max_participant_index = 40;  // participants per host and domain, minus one
  // Writes wait in the writer until dds_write_flush (Cyclone's Internal/WriteBatch): many
  // samples written together go out in fewer RTPS messages (fewer sends and encryptions).
  bool write_batch = false;
  // Discovery announcements (SPDP) to the peers, this often: after a cut longer than the lease,
  // Cyclone has forgotten the peer, and only an announcement finds it again (its own default:
  // 2 s before the lease ends, 8 s at a 10 s lease).
  double announce_s = 0.5;
};

struct SecurityFiles {
  std::string identity_ca;  // PEM files
  std::string identity_certificate;
  std::string private_key;
  std::string permissions_ca;
  std::string governance;  // S/MIME signed XML
  std::string permissions;
};

// The XML configuration of one participant (no security when `security` is empty).
std::string cyclone_config(const NetworkSettings& net,
                           const std::optional<SecurityFiles>& security);

// nullopt when `xml` names an interface and turns multicast off; else what is wrong.
std::optional<std::string> network_problem(std::string_view xml);

}  // namespace trilink::bus
