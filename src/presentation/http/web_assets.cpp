#include "presentation/http/web_assets.h"

#include <fstream>
#include <sstream>

namespace jsr::http {
namespace {

namespace fs = std::filesystem;

std::string content_type_of(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},    {".json", "application/json"},
      {".svg", "image/svg+xml"},              {".png", "image/png"},
      {".ico", "image/x-icon"},               {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},                   {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},  {".d.ts", "application/typescript; charset=utf-8"},
  };
  const auto found = kTypes.find(file.extension().string());
  return found != kTypes.end() ? found->second : "application/octet-stream";
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Response answer(const WebAssets::Asset& asset) {
  return Response{200,
                  asset.body,
                  asset.content_type,
                  {{"Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache"},
                   {"Content-Security-Policy", kWebContentSecurityPolicy},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"}}};
}

}  // namespace

WebAssets WebAssets::load(const fs::path& directory) {
  WebAssets assets;
  std::error_code missing;
  if (!fs::is_regular_file(directory / "index.html", missing)) return assets;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), directory).generic_string();
    // Vite names what it builds into assets/ after the content's hash.
    assets.files_["/" + relative] = {read_file(entry.path()), content_type_of(entry.path()),
                                     relative.starts_with("assets/")};
  }
  return assets;
}

void add_web_routes(Router& router, const WebAssets& assets) {
  for (const auto& [path, asset] : assets.files()) {
    router.add(
        "GET", path, Router::kPublic, [&asset](Request&) { return answer(asset); }, Router::Runs::kOnIoThread);
  }
  if (auto index = assets.files().find("/index.html"); index != assets.files().end()) {
    router.add(
        "GET", "/", Router::kPublic, [&asset = index->second](Request&) { return answer(asset); },
        Router::Runs::kOnIoThread);
  }
}

}  // namespace jsr::http
