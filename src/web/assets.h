// The web app's static files, compiled into the binary (no CDN, works offline). Generated from
// src/web/ by cmake/embed.cmake.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace airbase::web {

struct Asset {
  const char* path;  // "/index.html", "/app.js", ...
  const unsigned char* data;
  size_t size;
};

const std::vector<Asset>& Assets();

}  // namespace airbase::web
