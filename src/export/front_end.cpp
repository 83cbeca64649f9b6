#include "export/front_end.hpp"

#include <cassert>

namespace trilink::exports {

namespace {
constexpr std::string_view placeholder = "@TRILINK_PICTURE@";
}  // namespace

std::string page_with_picture(std::string_view picture_json) {
  const std::string_view page = web::front_end_page();
  const auto at = page.find(placeholder);
  assert(at != std::string_view::npos);  // web/build.mjs checks it is there exactly once
  std::string out;
  out.reserve(page.size() + picture_json.size() + picture_json.size() / 50);
  out.append(page.substr(0, at));
  for (const char c : picture_json) {
    if (c == '<')
      out.append("\\u003c");
    else
      out.push_back(c);
  }
  out.append(page.substr(at + placeholder.size()));
  return out;
}

}  // namespace trilink::exports
