#include "app/output_files.hpp"

namespace trilink::app {

OutputSet::~OutputSet() {
  if (committed_) return;
  for (auto& [name, stream] : files_) {
    stream.close();
    std::error_code ec;
    std::filesystem::remove(dir_ / (name + ".partial"), ec);
  }
}

Expected<void> OutputSet::open() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return fail(dir_.string(), "cannot create the output directory: " + ec.message());
  return {};
}

std::ofstream& OutputSet::file(const std::string& name) {
  files_.emplace_back(name, std::ofstream(dir_ / (name + ".partial"), std::ios::binary));
  return files_.back().second;
}

Expected<void> OutputSet::commit() {
  for (auto& [name, stream] : files_) {
    stream.flush();
    if (!stream) return fail((dir_ / name).string(), "write failed");
    stream.close();
  }
  for (auto& [name, stream] : files_) {
    std::error_code ec;
    std::filesystem::rename(dir_ / (name + ".partial"), dir_ / name, ec);
    if (ec) return fail((dir_ / name).string(), "cannot rename into place: " + ec.message());
  }
  committed_ = true;
  return {};
}

}  // namespace trilink::app
