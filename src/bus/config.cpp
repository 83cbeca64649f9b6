#include "bus/config.hpp"

#include <cstdio>
#include <regex>

#include "base/text.hpp"

namespace trilink::bus {

namespace {

bool is_address(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789.") == std::string::npos;
}

std::string file_uri(const std::string& path) {
  return "file:" + xml_escape(path);
}

}  // namespace

std::string cyclone_config(const NetworkSettings& net, const std::optional<SecurityFiles>& sec) {
  std::string x = "<CycloneDDS xmlns=\"https://cdds.io/config\"><Domain id=\"any\"><General>";
  if (!net.interface.empty())
    x += std::string("<Interfaces><NetworkInterface ") +
         (is_address(net.interface) ? "address" : "name") + "=\"" + xml_escape(net.interface) +
         "\"/></Interfaces>";
  x += "<AllowMulticast>false</AllowMulticast></General>";
  char lease[32], announce[32];
  std::snprintf(lease, sizeof lease, "%.3f s", net.lease_s);
  std::snprintf(announce, sizeof announce, "%.3f s", net.announce_s);
  x += "<Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>" +
       std::to_string(net.max_participant_index) + "</MaxAutoParticipantIndex><Peers>";
  for (const auto& p : net.peers) x += "<Peer address=\"" + xml_escape(p) + "\"/>";
  x += std::string("</Peers><LeaseDuration>") + lease + "</LeaseDuration><SPDPInterval>" +
       announce + "</SPDPInterval></Discovery>";
  if (net.write_batch) x += "<Internal><WriteBatch>true</WriteBatch></Internal>";
  if (sec) {
    x += "<Security><Authentication><Library path=\"dds_security_auth\" "
         "initFunction=\"init_authentication\" finalizeFunction=\"finalize_authentication\"/>"
         "<IdentityCA>" +
         file_uri(sec->identity_ca) + "</IdentityCA><IdentityCertificate>" +
         file_uri(sec->identity_certificate) + "</IdentityCertificate><PrivateKey>" +
         file_uri(sec->private_key) +
         "</PrivateKey></Authentication><AccessControl><Library path=\"dds_security_ac\" "
         "initFunction=\"init_access_control\" finalizeFunction=\"finalize_access_control\"/>"
         "<PermissionsCA>" +
         file_uri(sec->permissions_ca) + "</PermissionsCA><Governance>" +
         file_uri(sec->governance) + "</Governance><Permissions>" + file_uri(sec->permissions) +
         "</Permissions></AccessControl><Cryptographic><Library path=\"dds_security_crypto\" "
         "initFunction=\"init_crypto\" finalizeFunction=\"finalize_crypto\"/></Cryptographic>"
         "</Security>";
  }
  x += "</Domain></CycloneDDS>";
  return x;
}

std::optional<std::string> network_problem(std::string_view xml) {
  const std::string s(xml);
  static const std::regex iface(R"(<NetworkInterface\b[^>]*\b(name|address)\s*=\s*"[^"\s]+")",
                                std::regex::icase);
  static const std::regex multicast_off(R"(<AllowMulticast>\s*false\s*</AllowMulticast>)",
                                        std::regex::icase);
  static const std::regex multicast_any(R"(<AllowMulticast>)", std::regex::icase);
  if (!std::regex_search(s, iface))
    return "the DDS configuration names no network interface (NetworkInterface name or "
           "address): refusing to start a participant that could use any interface";
  std::smatch m;
  int count = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), multicast_any);
       it != std::sregex_iterator(); ++it)
    ++count;
  if (count != 1 || !std::regex_search(s, multicast_off))
    return "the DDS configuration does not turn multicast off (AllowMulticast false): "
           "refusing to start a participant that could multicast";
  return std::nullopt;
}

}  // namespace trilink::bus
