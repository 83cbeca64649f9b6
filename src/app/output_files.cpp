#include "app/output_files.hpp"

#include <unistd.h>

#include <algorithm>

namespace trilink::app {
namespace fs = std::filesystem;

OutputSet::OutputSet(const fs::path& dir) : dir_(dir.lexically_normal()) {
  if (dir_.has_parent_path() && !dir_.has_filename()) dir_ = dir_.parent_path();  // "out/"
}

OutputSet::~OutputSet() {
  if (committed_) return;
  for (auto& [name, stream] : streams_) stream.close();
  std::error_code ec;
  if (!staging_.empty()) fs::remove_all(staging_, ec);
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs::remove(*it, ec);
}

Expected<void> OutputSet::open() {
  std::error_code ec;
  const auto status = fs::status(dir_, ec);
  dir_existed_ = fs::exists(status);
  if (dir_existed_ && !fs::is_directory(status))
    return fail(dir_.string(), "cannot write the output folder: it exists and is not a folder");
  const std::string pid = std::to_string(::getpid());
  if (dir_existed_) {
    staging_ = dir_ / (".partial-" + pid);
  } else {
    const fs::path parent = dir_.has_parent_path() ? dir_.parent_path() : fs::path(".");
    for (fs::path p = parent; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      created_.insert(created_.begin(), p);
      if (p == p.parent_path()) break;
    }
    for (const fs::path& p : created_) {
      if (!fs::create_directory(p, ec) && ec)
        return fail(dir_.string(),
                    "cannot create the output folder: " + p.string() + ": " + ec.message());
    }
    std::string name = ".";  // appended, not "." + ...: GCC 12 warns (-Wrestrict) on that
    name += dir_.filename().string();
    name += ".partial-";
    name += pid;
    staging_ = parent / name;
  }
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec)) {
    const std::string why = ec ? ec.message() : "a file of that name is in the way";
    staging_.clear();  // not ours: never removed
    return fail(dir_.string(), "cannot write the output folder: " + why);
  }
  return {};
}

std::ofstream& OutputSet::file(const std::string& name) {
  streams_.emplace_back(name, std::ofstream(staged(name), std::ios::binary));
  return streams_.back().second;
}

fs::path OutputSet::staged(const std::string& name) {
  if (std::ranges::find(names_, name) == names_.end()) names_.push_back(name);
  return staging_ / name;
}

Error OutputSet::named_in_dir(Error e) const {
  const std::string staging = staging_.string() + "/";
  if (!staging_.empty() && e.where.starts_with(staging))
    e.where = (dir_ / e.where.substr(staging.size())).string();
  return e;
}

Expected<void> OutputSet::commit() {
  for (auto& [name, stream] : streams_) {
    stream.flush();
    if (!stream) return fail((dir_ / name).string(), "write failed (disk full or read-only?)");
    stream.close();
    if (!stream) return fail((dir_ / name).string(), "write failed (disk full or read-only?)");
  }
  std::error_code ec;
  // Every file of the staging folder must be one of the set (a stray -wal would be a bug).
  for (const auto& e : fs::directory_iterator(staging_, ec)) {
    const std::string name = e.path().filename().string();
    if (std::ranges::find(names_, name) == names_.end())
      return fail(e.path().string(), "unexpected file in the staging folder; nothing written");
  }
  if (ec) return fail(staging_.string(), "cannot list the staging folder: " + ec.message());
  for (const std::string& name : names_)
    if (!fs::is_regular_file(staging_ / name, ec))
      return fail((dir_ / name).string(), "was not written; nothing written");
  if (!dir_existed_) {
    fs::rename(staging_, dir_, ec);
    if (ec) return fail(dir_.string(), "cannot move the outputs into place: " + ec.message());
  } else {
    for (const std::string& name : names_) {
      fs::rename(staging_ / name, dir_ / name, ec);
      if (ec) return fail((dir_ / name).string(), "cannot move into place: " + ec.message());
    }
    fs::remove(staging_, ec);
  }
  committed_ = true;
  return {};
}

}  // namespace trilink::app
