// Opening an input file with an error that names the real problem: no such file, a directory,
// not a regular file, no permission to read, or larger than the reader's limit.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.hpp"

namespace trilink::io {

// The file exists, is a regular file (or a link to one) and can be opened for reading.
Expected<void> check_input_file(const std::string& path);
// The whole file, if it passes check_input_file and holds at most `max_bytes`.
Expected<std::string> read_input_file(const std::string& path, std::uintmax_t max_bytes);

}  // namespace trilink::io
