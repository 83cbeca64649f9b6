// The deployment's PKI for DDS Security (docs/live.md, "Security model"), made with the OpenSSL
// library: an identity CA and a permissions CA (EC P-256), an identity certificate and key per
// participant identity, the governance document (every domain of the deployment: unauthenticated
// participants refused, join access control, discovery, liveliness and data encrypted, read and
// write access control on every topic) and one permissions document per identity (what it may
// publish and subscribe on which domain, everything else denied), both S/MIME signed by the
// permissions CA. Layout of DIR:
//   ca/identity_ca.pem, ca/permissions_ca.pem   (the CAs' keys: ca/*_key.pem, mode 0600)
//   governance.xml, governance.p7s
//   <IDENTITY>/identity.pem, identity_key.pem (0600), permissions.xml, permissions.p7s
// Keys are made on the machine that runs this and never committed (deploy/.gitignore).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "bus/config.hpp"

namespace trilink::bus {

struct Grant {
  std::string identity;  // certificate CN and folder name: letters, digits, '-', '_'
  std::string country;   // two letters, in the subject ("JP")
  struct Rule {
    int domain = 0;
    std::vector<std::string> publish, subscribe;  // topic names
  };
  std::vector<Rule> rules;
};

struct PkiRequest {
  std::vector<int> domains;  // every domain of the deployment (governance)
  std::vector<Grant> grants;
  int validity_days = 365;
};

// Writes the whole set into `dir` (created if missing). Error naming the file or identity.
Expected<void> pki_init(const std::filesystem::path& dir, const PkiRequest& request);

// The files of `identity` in a PKI folder made by pki_init.
SecurityFiles security_files(const std::filesystem::path& dir, const std::string& identity);

// The first file of `identity`'s set that is missing, if any.
std::optional<std::string> missing_security_file(const SecurityFiles& f);

}  // namespace trilink::bus
