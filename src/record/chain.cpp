#include "record/chain.hpp"

#include <openssl/evp.h>

#include <cassert>
#include <memory>

namespace trilink::record::chain {
namespace {

// SHA-256 of the concatenation of two byte strings (OpenSSL EVP; the algorithm is fetched
// once).
Digest sha256(std::string_view a, std::string_view b) {
  struct FreeMd {
    void operator()(EVP_MD* md) const { EVP_MD_free(md); }
  };
  struct FreeCtx {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  static const std::unique_ptr<EVP_MD, FreeMd> md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  thread_local const std::unique_ptr<EVP_MD_CTX, FreeCtx> ctx(EVP_MD_CTX_new());
  assert(md && ctx);
  Digest out{};
  unsigned int n = 0;
  [[maybe_unused]] const bool ok = EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) == 1 &&
                                   EVP_DigestUpdate(ctx.get(), a.data(), a.size()) == 1 &&
                                   EVP_DigestUpdate(ctx.get(), b.data(), b.size()) == 1 &&
                                   EVP_DigestFinal_ex(ctx.get(), out.data(), &n) == 1;
  assert(ok && n == out.size());
  return out;
}

void put_u64(std::string& s, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

}  // namespace

Digest genesis(std::string_view table) {
  return sha256("trilink recording chain v1: ", table);
}

Row& Row::add(std::int64_t v) {
  bytes_.push_back('i');
  put_u64(bytes_, static_cast<std::uint64_t>(v));
  return *this;
}

Row& Row::add(std::string_view v) {
  bytes_.push_back('t');
  put_u64(bytes_, v.size());
  bytes_.append(v);
  return *this;
}

Row& Row::add(std::optional<std::int64_t> v) {
  return v ? add(*v) : add_null();
}

Row& Row::add_null() {
  bytes_.push_back('n');
  return *this;
}

Digest Row::link(const Digest& previous) const {
  return sha256(as_bytes(previous), bytes_);
}

std::string to_hex(const Digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * d.size());
  for (std::uint8_t b : d) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

std::optional<Digest> from_bytes(std::string_view bytes) {
  if (bytes.size() != Digest{}.size()) return std::nullopt;
  Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(bytes[i]);
  return d;
}

}  // namespace trilink::record::chain
