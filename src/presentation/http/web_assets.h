// The web UI: the files Vite built (index.html and hashed assets), read once
// at start and served from memory at `/` — only those files, so no request
// path ever reaches the file system. Hashed assets are cached for a year,
// index.html is revalidated; every answer carries a strict
// Content-Security-Policy (the UI talks to this server only). A file built
// with a gzipped twin (name.gz) is sent compressed to clients that accept gzip.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "presentation/http/router.h"

namespace jsr::http {

class WebAssets {
 public:
  struct Asset {
    std::string body;
    std::string gzipped;  // empty: no compressed twin was built
    std::string content_type;
    bool immutable = false;  // its name carries its content's hash
  };

  // Nothing when `directory` has no index.html (a server built without the UI).
  static WebAssets load(const std::filesystem::path& directory);

  bool empty() const { return files_.empty(); }
  // By URL path: "/index.html", "/assets/index-3f2a.js".
  const std::map<std::string, Asset>& files() const { return files_; }

 private:
  std::map<std::string, Asset> files_;
};

inline constexpr const char* kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// GET / (index.html) and GET of every file.
void add_web_routes(Router& router, const WebAssets& assets);

}  // namespace jsr::http
