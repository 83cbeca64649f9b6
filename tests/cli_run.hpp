// Runs the built command line as a user would: `trilink ARGS` through the shell, with stdout
// captured and stderr in a temporary file named after the running test.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "test_paths.hpp"

namespace trilink::test_cli {

struct RunResult {
  int code = -1;
  std::string out, err;
};

// Where run() keeps the command's stderr while it runs (to watch a long run from another
// thread).
inline std::filesystem::path stderr_file() {
  return std::filesystem::temp_directory_path() /
         ("trilink_cli_stderr_" +
          std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
          std::to_string(::getpid()) + ".txt");
}

// `prefix` goes before the program: an environment or a wrapper such as setpriv.
inline RunResult run(const std::string& args, const std::string& prefix = "") {
  const std::filesystem::path err_file = stderr_file();
  const std::string cmd =
      prefix + test_paths::binary_dir() + "/trilink " + args + " 2>" + err_file.string();
  RunResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_file);
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  e.close();
  std::filesystem::remove(err_file);
  return r;
}

}  // namespace trilink::test_cli
