// Fuzzes the record codec's decoder (record::decode, which replay runs on every recorded
// payload). Properties: a message or an error; what decodes re-encodes to text that decodes to
// the same encoding (encode(decode(encode(m))) == encode(m)).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "check.hpp"
#include "record/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto m = trilink::record::decode(text);
  if (!m) return 0;
  const std::string once = trilink::record::encode(*m);
  const auto back = trilink::record::decode(once);
  FUZZ_CHECK(back.has_value());
  FUZZ_CHECK(trilink::record::encode(*back) == once);
  return 0;
}
