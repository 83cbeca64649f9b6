// Writing an input file (scenario, policy, …) into a fresh temporary folder for a test, and
// checking that loading a bad one fails with one line naming the file and the field.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

namespace trilink::test_paths {

class InputFile {
 public:
  // `name` is the file's name in the folder; each of `beside` is copied next to it.
  InputFile(const std::string& text, const std::string& name,
            std::initializer_list<std::string> beside = {}) {
    namespace fs = std::filesystem;
    const auto* test = ::testing::UnitTest::GetInstance();
    dir_ = fs::temp_directory_path() /
           ("trilink_input_" + std::to_string(test->random_seed()) + "_" +
            test->current_test_info()->test_suite_name() + "_" + test->current_test_info()->name());
    fs::create_directories(dir_);
    for (const auto& file : beside)
      fs::copy_file(file, dir_ / fs::path(file).filename(), fs::copy_options::overwrite_existing);
    path_ = (dir_ / name).string();
    std::ofstream(path_) << text;
  }
  ~InputFile() { std::filesystem::remove_all(dir_); }
  const std::string& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
};

// `base` with the first `from` replaced by `to` (the test fails if there is none).
inline std::string with(std::string base, const std::string& from, const std::string& to) {
  const auto at = base.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return base;
  return base.replace(at, from.size(), to);
}

// `load(path)` must fail with one line that names the file and contains every part.
template <typename Load>
void expect_load_error(const InputFile& f, Load&& load, std::initializer_list<std::string> parts) {
  const auto loaded = load(f.path());
  ASSERT_FALSE(loaded.has_value()) << "loaded a bad file";
  const std::string msg = loaded.error().message();
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  EXPECT_NE(msg.find(f.path()), std::string::npos) << msg;
  for (const auto& part : parts) EXPECT_NE(msg.find(part), std::string::npos) << msg;
}

}  // namespace trilink::test_paths
