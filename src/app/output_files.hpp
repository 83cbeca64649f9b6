// Writing a set of output files all-or-nothing: each file is written beside its final name
// as NAME.partial and renamed only when every file of the set is complete, so a failed run
// never leaves a file that looks finished.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace trilink::app {

class OutputSet {
 public:
  explicit OutputSet(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~OutputSet();

  // Creates the directory (and parents). Error if it cannot.
  Expected<void> open();
  // A stream to NAME.partial; the set keeps track of it.
  std::ofstream& file(const std::string& name);
  // Flushes, checks and renames every file. Error (and no file renamed) on failure.
  Expected<void> commit();

 private:
  std::filesystem::path dir_;
  std::vector<std::pair<std::string, std::ofstream>> files_;
  bool committed_ = false;
};

}  // namespace trilink::app
