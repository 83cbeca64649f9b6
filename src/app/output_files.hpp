// Writing the files of a run all-or-nothing. Every file is written into a staging folder and
// moved into DIR only when all of them are complete:
//  - DIR does not exist: the staging folder is PARENT/.NAME.partial-PID, beside DIR, and
//    commit() is one rename of that folder onto DIR;
//  - DIR is an existing folder: the staging folder is DIR/.partial-PID, inside it (so on the
//    same file system even when DIR is a mount point), and commit() renames each file over its
//    old version (each rename atomic); other files in DIR are left alone.
// Until commit() nothing in DIR changes. An OutputSet destroyed without commit() (an error, an
// interrupt, an exception) removes its staging folder and the parent folders open() created,
// so a failed run leaves nothing behind. Only a process killed outright (SIGKILL, a second
// Ctrl-C) can leave a staging folder, named as above.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace trilink::app {

class OutputSet {
 public:
  explicit OutputSet(const std::filesystem::path& dir);
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  ~OutputSet();

  // Creates the staging folder (and DIR's missing parents). Error naming DIR, with the reason,
  // when DIR is not a folder or cannot be written.
  Expected<void> open();
  // A stream to the staged file NAME; the set keeps track of it.
  std::ofstream& file(const std::string& name);
  // The staged path of NAME, for a file another writer makes (e.g. SQLite); the set moves it
  // with the others. Close it before commit().
  std::filesystem::path staged(const std::string& name);
  // Flushes and checks every stream, then moves every file into DIR. Error on failure; before
  // the first rename, DIR is unchanged.
  Expected<void> commit();

  const std::filesystem::path& dir() const { return dir_; }
  // The error with a staged path in `where` naming the file in DIR instead (what the user
  // asked for, not the staging folder).
  Error named_in_dir(Error e) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path staging_;
  bool dir_existed_ = false;
  std::vector<std::filesystem::path> created_;  // parents open() made, outermost first
  std::vector<std::string> names_;              // every staged file
  std::vector<std::pair<std::string, std::ofstream>> streams_;
  bool committed_ = false;
};

}  // namespace trilink::app
