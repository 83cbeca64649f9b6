// Where the source tree and the build tree are, for tests that read bundled files or run
// the built command line (compile definitions from tests/CMakeLists.txt).
#pragma once

#include <string>

namespace trilink::test_paths {

inline std::string source_dir() {
  return TRILINK_SOURCE_DIR;
}
inline std::string binary_dir() {
  return TRILINK_BINARY_DIR;
}
inline std::string scenario(const std::string& name) {
  return source_dir() + "/scenarios/" + name;
}

}  // namespace trilink::test_paths
