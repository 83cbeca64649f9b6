#include "bus/pki.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

namespace trilink::bus {

namespace fs = std::filesystem;

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(PKCS7* p) const { PKCS7_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Bio = std::unique_ptr<BIO, Free>;

constexpr const char* kOrganisation = "trilink";

Key make_key() {
  return Key(EVP_EC_gen("P-256"));
}

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key` with subject C/O/CN, signed by (issuer, issuer_key), or self-signed
// as a CA when issuer is null.
Cert make_cert(EVP_PKEY* key, const std::string& country, const std::string& cn, X509* issuer,
               EVP_PKEY* issuer_key, long serial, int days) {
  Cert c(X509_new());
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(country.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(kOrganisation), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  const bool ca = issuer == nullptr;
  X509_set_issuer_name(c.get(), ca ? name : X509_get_subject_name(issuer));
  X509* iss = ca ? c.get() : issuer;
  bool ok = true;
  if (ca) {
    ok &= add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
    // digitalSignature: the permissions CA signs the S/MIME documents (Cyclone checks it).
    ok &= add_ext(c.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    ok &= add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    ok &= add_ext(c.get(), iss, NID_key_usage, "critical,digitalSignature,keyAgreement");
  }
  ok &= add_ext(c.get(), iss, NID_subject_key_identifier, "hash");
  if (!ok || X509_sign(c.get(), ca ? key : issuer_key, EVP_sha256()) == 0) return nullptr;
  return c;
}

Expected<void> write_text(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return fail(p.string(), "cannot write");
  return {};
}

Expected<void> write_pem(const fs::path& p, X509* cert, EVP_PKEY* key) {
  Bio b(BIO_new(BIO_s_mem()));
  if (cert ? PEM_write_bio_X509(b.get(), cert) != 1
           : PEM_write_bio_PrivateKey(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return fail(p.string(), "cannot encode PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(b.get(), &data);
  if (auto ok = write_text(p, std::string(data, static_cast<std::size_t>(n))); !ok) return ok;
  if (key) fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
  return {};
}

// S/MIME multipart/signed, text mode (Cyclone verifies with PKCS7_TEXT), signer included.
Expected<void> sign(const fs::path& out, const std::string& text, X509* signer, EVP_PKEY* key) {
  const int flags = PKCS7_DETACHED | PKCS7_TEXT | PKCS7_STREAM;
  Bio in(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  std::unique_ptr<PKCS7, Free> p7(PKCS7_sign(signer, key, nullptr, in.get(), flags));
  if (!p7) return fail(out.string(), "cannot sign");
  Bio mem(BIO_new(BIO_s_mem()));
  if (SMIME_write_PKCS7(mem.get(), p7.get(), in.get(), flags) != 1)
    return fail(out.string(), "cannot write S/MIME");
  char* data = nullptr;
  const long n = BIO_get_mem_data(mem.get(), &data);
  return write_text(out, std::string(data, static_cast<std::size_t>(n)));
}

std::string iso(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string domains_xml(const std::vector<int>& ids) {
  std::string x = "<domains>";
  for (int d : ids) x += "<id>" + std::to_string(d) + "</id>";
  return x + "</domains>";
}

std::string governance_xml(const std::vector<int>& domains) {
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<dds xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "xsi:noNamespaceSchemaLocation=\"http://www.omg.org/spec/DDS-SECURITY/20170901/"
       "omg_shared_ca_governance.xsd\">\n"
       "  <domain_access_rules>\n    <domain_rule>\n      "
    << domains_xml(domains)
    << "\n"
       "      <allow_unauthenticated_participants>false</allow_unauthenticated_participants>\n"
       "      <enable_join_access_control>true</enable_join_access_control>\n"
       "      <discovery_protection_kind>ENCRYPT</discovery_protection_kind>\n"
       "      <liveliness_protection_kind>ENCRYPT</liveliness_protection_kind>\n"
       "      <rtps_protection_kind>ENCRYPT</rtps_protection_kind>\n"
       "      <topic_access_rules>\n        <topic_rule>\n"
       "          <topic_expression>*</topic_expression>\n"
       "          <enable_discovery_protection>true</enable_discovery_protection>\n"
       "          <enable_liveliness_protection>true</enable_liveliness_protection>\n"
       "          <enable_read_access_control>true</enable_read_access_control>\n"
       "          <enable_write_access_control>true</enable_write_access_control>\n"
       "          <metadata_protection_kind>ENCRYPT</metadata_protection_kind>\n"
       "          <data_protection_kind>ENCRYPT</data_protection_kind>\n"
       "        </topic_rule>\n      </topic_access_rules>\n"
       "    </domain_rule>\n  </domain_access_rules>\n</dds>\n";
  return x.str();
}

std::string topics_xml(const std::vector<std::string>& topics) {
  std::string x = "<topics>";
  for (const auto& t : topics) x += "<topic>" + t + "</topic>";
  return x + "</topics>";
}

std::string permissions_xml(const Grant& g, int days) {
  const auto now = std::chrono::system_clock::now();
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<dds xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "xsi:noNamespaceSchemaLocation=\"http://www.omg.org/spec/DDS-SECURITY/20170901/"
       "omg_shared_ca_permissions.xsd\">\n  <permissions>\n    <grant name=\""
    << g.identity << "_grant\">\n      <subject_name>CN=" << g.identity << ",O=" << kOrganisation
    << ",C=" << g.country << "</subject_name>\n      <validity><not_before>"
    << iso(now - std::chrono::hours(24)) << "</not_before><not_after>"
    << iso(now + std::chrono::hours(24) * days) << "</not_after></validity>\n";
  for (const auto& r : g.rules) {
    x << "      <allow_rule>\n        " << domains_xml({r.domain}) << "\n";
    if (!r.publish.empty()) x << "        <publish>" << topics_xml(r.publish) << "</publish>\n";
    if (!r.subscribe.empty())
      x << "        <subscribe>" << topics_xml(r.subscribe) << "</subscribe>\n";
    x << "      </allow_rule>\n";
  }
  x << "      <default>DENY</default>\n    </grant>\n  </permissions>\n</dds>\n";
  return x.str();
}

bool plain_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

Expected<void> pki_init(const fs::path& dir, const PkiRequest& req) {
  std::error_code ec;
  fs::create_directories(dir / "ca", ec);
  if (ec) return fail(dir.string(), "cannot create: " + ec.message());
  for (const auto& g : req.grants) {
    if (!plain_name(g.identity))
      return fail(g.identity, "an identity name must be letters, digits, '-' or '_'");
    if (g.country.size() != 2) return fail(g.identity, "country must be two letters");
  }
  const Key id_ca_key = make_key(), perm_ca_key = make_key();
  if (!id_ca_key || !perm_ca_key) return fail(dir.string(), "cannot make EC P-256 keys");
  const int ca_days = req.validity_days * 2;
  const Cert id_ca =
      make_cert(id_ca_key.get(), "US", "trilink-identity-CA", nullptr, nullptr, 1, ca_days);
  const Cert perm_ca =
      make_cert(perm_ca_key.get(), "US", "trilink-permissions-CA", nullptr, nullptr, 2, ca_days);
  if (!id_ca || !perm_ca) return fail(dir.string(), "cannot make the CA certificates");
  for (auto [name, cert, key] : {std::tuple{"identity_ca", id_ca.get(), id_ca_key.get()},
                                 std::tuple{"permissions_ca", perm_ca.get(), perm_ca_key.get()}}) {
    if (auto ok = write_pem(dir / "ca" / (std::string(name) + ".pem"), cert, nullptr); !ok)
      return ok;
    if (auto ok = write_pem(dir / "ca" / (std::string(name) + "_key.pem"), nullptr, key); !ok)
      return ok;
  }
  const std::string gov = governance_xml(req.domains);
  if (auto ok = write_text(dir / "governance.xml", gov); !ok) return ok;
  if (auto ok = sign(dir / "governance.p7s", gov, perm_ca.get(), perm_ca_key.get()); !ok) return ok;
  long serial = 100;
  for (const auto& g : req.grants) {
    const fs::path d = dir / g.identity;
    fs::create_directories(d, ec);
    if (ec) return fail(d.string(), "cannot create: " + ec.message());
    const Key key = make_key();
    const Cert cert = key ? make_cert(key.get(), g.country, g.identity, id_ca.get(),
                                      id_ca_key.get(), serial++, req.validity_days)
                          : nullptr;
    if (!cert) return fail(g.identity, "cannot make its identity certificate");
    if (auto ok = write_pem(d / "identity.pem", cert.get(), nullptr); !ok) return ok;
    if (auto ok = write_pem(d / "identity_key.pem", nullptr, key.get()); !ok) return ok;
    const std::string perm = permissions_xml(g, req.validity_days);
    if (auto ok = write_text(d / "permissions.xml", perm); !ok) return ok;
    if (auto ok = sign(d / "permissions.p7s", perm, perm_ca.get(), perm_ca_key.get()); !ok)
      return ok;
  }
  return {};
}

SecurityFiles security_files(const fs::path& dir, const std::string& identity) {
  return SecurityFiles{(dir / "ca" / "identity_ca.pem").string(),
                       (dir / identity / "identity.pem").string(),
                       (dir / identity / "identity_key.pem").string(),
                       (dir / "ca" / "permissions_ca.pem").string(),
                       (dir / "governance.p7s").string(),
                       (dir / identity / "permissions.p7s").string()};
}

std::optional<std::string> missing_security_file(const SecurityFiles& f) {
  for (const auto* p : {&f.identity_ca, &f.identity_certificate, &f.private_key, &f.permissions_ca,
                        &f.governance, &f.permissions})
    if (!fs::is_regular_file(*p)) return *p;
  return std::nullopt;
}

}  // namespace trilink::bus
