#include "io/read_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace trilink::io {

namespace fs = std::filesystem;

Expected<void> check_input_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) return fail(path, "no such file");
  if (ec) return fail(path, "cannot read: " + ec.message());
  if (st.type() == fs::file_type::directory) return fail(path, "is a directory, not a file");
  if (st.type() != fs::file_type::regular) return fail(path, "is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path, std::string("cannot read: ") + std::strerror(errno));
  return {};
}

Expected<std::string> read_input_file(const std::string& path, std::uintmax_t max_bytes) {
  if (auto ok = check_input_file(path); !ok) return std::unexpected(ok.error());
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return fail(path, "cannot read: " + ec.message());
  if (size > max_bytes)
    return fail(path, "is " + std::to_string(size) + " bytes, more than the limit of " +
                          std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(path, "read failed");
  if (text.str().size() > max_bytes)
    return fail(path, "is larger than the limit of " + std::to_string(max_bytes) + " bytes");
  return text.str();
}

}  // namespace trilink::io
