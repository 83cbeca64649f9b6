# The rules of the house (../shared/DESIGN.md, "Data flow"), checked on the sources:
#   - a file in src/F/ includes only headers of F and of folders above F in ORDER;
#   - a folder's library links only trilink_ targets of folders above it;
#   - a test of folder F (tests/F_*_test.cpp) includes and links only F and folders above it.
# Run: cmake -DROOT=<source dir> -P tools/layout/check_layout.cmake  (ctest runs it as
# layout_check). Prints one line per violation and fails when there is any.
set(ORDER base geo flight sensor scenario track metrics share fusion warn node record io
          exercise bus eval export cop app)

if(NOT ROOT)
  message(FATAL_ERROR "check_layout: pass -DROOT=<source dir>")
endif()

set(violations 0)

# rank(<folder> <out>): the folder's place in ORDER, -1 when unknown.
function(rank folder out)
  list(FIND ORDER "${folder}" i)
  set(${out} ${i} PARENT_SCOPE)
endfunction()

# check_includes(<file> <folder>): every `#include "X/..."` of the file names X at or above folder.
function(check_includes file folder)
  rank(${folder} own)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]+\"[a-z_]+/")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([a-z_]+)/.*" "\\1" dep "${line}")
    rank(${dep} r)
    if(r EQUAL -1)
      continue()  # a test's own helper folder, or an external library
    endif()
    if(r GREATER own)
      file(RELATIVE_PATH rel "${ROOT}" "${file}")
      message("layout: ${rel} (${folder}) includes ${dep}/, which is below it")
      math(EXPR v "${violations} + 1")
      set(violations ${v} PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

# check_links(<where> <folder> <libs...>): every trilink_X among libs is at or above folder.
function(check_links where folder)
  rank(${folder} own)
  foreach(lib IN LISTS ARGN)
    if(NOT lib MATCHES "^trilink_([a-z]+)$")
      continue()
    endif()
    rank(${CMAKE_MATCH_1} r)
    if(r EQUAL -1 OR r GREATER own)
      message("layout: ${where} (${folder}) links ${lib}, which is below it or unknown")
      math(EXPR v "${violations} + 1")
      set(violations ${v} PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

# Sources and their libraries.
file(GLOB folders LIST_DIRECTORIES true "${ROOT}/src/*")
foreach(dir IN LISTS folders)
  if(NOT IS_DIRECTORY "${dir}")
    continue()
  endif()
  get_filename_component(folder "${dir}" NAME)
  rank(${folder} own)
  if(own EQUAL -1)
    message("layout: src/${folder}/ is not a folder of DESIGN.md's table")
    math(EXPR violations "${violations} + 1")
    continue()
  endif()
  file(GLOB_RECURSE sources "${dir}/*.hpp" "${dir}/*.cpp")
  foreach(f IN LISTS sources)
    check_includes("${f}" ${folder})
  endforeach()
  if(EXISTS "${dir}/CMakeLists.txt")
    file(READ "${dir}/CMakeLists.txt" cm)
    string(REGEX MATCHALL "trilink_[a-z_]+" libs "${cm}")
    list(REMOVE_ITEM libs "trilink_${folder}")
    # The built front end (web/, outside src/: trilink_web_page) is like an outside library.
    list(REMOVE_ITEM libs "trilink_web_page")
    check_links("src/${folder}/CMakeLists.txt" ${folder} ${libs})
  endif()
endforeach()

# Tests: tests/F_*_test.cpp belongs to folder F.
file(GLOB tests "${ROOT}/tests/*_test.cpp")
foreach(f IN LISTS tests)
  get_filename_component(name "${f}" NAME_WE)
  string(REGEX MATCH "^[a-z]+" folder "${name}")
  rank(${folder} own)
  if(own EQUAL -1)
    message("layout: tests/${name}.cpp names no folder of DESIGN.md's table")
    math(EXPR violations "${violations} + 1")
    continue()
  endif()
  check_includes("${f}" ${folder})
endforeach()
file(READ "${ROOT}/tests/CMakeLists.txt" cm)
string(REGEX MATCHALL "trilink_test\\([^)]*\\)" calls "${cm}")
foreach(call IN LISTS calls)
  string(REGEX REPLACE "^trilink_test\\(|\\)$" "" args "${call}")
  string(REGEX REPLACE "[ \t\r\n]+" ";" args "${args}")
  list(POP_FRONT args name)
  string(REGEX MATCH "^[a-z]+" folder "${name}")
  check_links("tests: ${name}" ${folder} ${args})
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "layout: ${violations} violation(s) of the house rules")
endif()
message("layout: every include and link follows DESIGN.md's order")
