// Fuzzes the releasability policy reader (io::parse_policy, which io::load_policy calls on the
// file's text), alone and checked against the bundled network. Properties: a policy or an error
// that names the input; a policy read is consistent (Policy::check); one that passes the
// network's checks also passes without them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.hpp"
#include "io/policy_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const trilink::scenario::Network network = trilink::scenario::default_network();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string source = "deploy/policy.yaml";
  const auto alone = trilink::io::parse_policy(text, source);
  if (alone) {
    FUZZ_CHECK(!alone->check());
  } else {
    FUZZ_CHECK(alone.error().message().starts_with(source));
  }
  const auto checked = trilink::io::parse_policy(text, source, network);
  if (checked) {
    FUZZ_CHECK(alone.has_value());
    FUZZ_CHECK(!checked->check());
  } else {
    FUZZ_CHECK(checked.error().message().starts_with(source));
  }
  return 0;
}
