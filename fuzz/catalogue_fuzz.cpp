// Fuzzes the radar and launch-site catalogue reader (io::parse_catalogue, which
// io::load_catalogue calls on the file's text). Property: a catalogue or an error that names
// the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.hpp"
#include "io/scenario_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string source = "scenarios/catalogue.yaml";
  const auto c = trilink::io::parse_catalogue(text, source);
  if (c) {
    for (const auto& [name, radar] : c->radars) FUZZ_CHECK(radar.name == name);
  } else {
    FUZZ_CHECK(c.error().message().starts_with(source));
  }
  return 0;
}
