// Fuzzes the scenario reader (io::parse_scenario: what io::load_scenario does on the file's
// text) with the bundled catalogue, without flying the launches (io::ShapeLaunches::no: one
// shaping takes 0.1 to 1 s, and would leave the reader itself all but unfuzzed). Property: a
// scenario or an error that names the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.hpp"
#include "io/scenario_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const trilink::scenario::Catalogue catalogue = [] {
    auto c = trilink::io::load_catalogue(TRILINK_SOURCE_DIR "/scenarios/catalogue.yaml");
    FUZZ_CHECK(c.has_value());
    return *c;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string source = "scenarios/fuzz.yaml";
  const auto s =
      trilink::io::parse_scenario(text, source, catalogue, trilink::io::ShapeLaunches::no);
  if (s) {
    FUZZ_CHECK(!s->launches.empty() && !s->radars.empty());
    FUZZ_CHECK(s->file == source);
  } else {
    FUZZ_CHECK(s.error().message().starts_with(source));
  }
  return 0;
}
