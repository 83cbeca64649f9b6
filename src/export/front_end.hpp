// The built front end (web/, built by web/build.mjs into the trilink binary) and the page with
// a picture in it. The page is one self-contained HTML file that opens with no network; it
// holds one placeholder, @TRILINK_PICTURE@, inside <script id="trilink-picture"
// type="application/json">, which is replaced by the picture's JSON (the report) or by null
// (the served page, which then reads the server's event stream).
#pragma once

#include <string>
#include <string_view>

#include "export/picture.hpp"

namespace trilink::web {
// The built page, placeholder included (generated: build/web/front_end_page.cpp).
std::string_view front_end_page();
}  // namespace trilink::web

namespace trilink::exports {

// The page with `picture` (JSON text, or "null") in place of the placeholder. Every '<' of the
// JSON is written as \u003c, so no text in it can close the script element.
std::string page_with_picture(std::string_view picture_json);

}  // namespace trilink::exports
