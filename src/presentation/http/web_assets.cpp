#include "presentation/http/web_assets.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "presentation/http/request_decoding.h"

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

bool same_letters(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether an Accept-Encoding header takes gzip: listed, with no q or q > 0.
bool accepts_gzip(std::string_view header) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const std::size_t semicolon = item.find(';');
    const std::string_view coding = without_whitespace_around(item.substr(0, semicolon));
    if (!same_letters(coding, "gzip") && !same_letters(coding, "x-gzip")) continue;
    if (semicolon == std::string_view::npos) return true;
    const std::string parameter(without_whitespace_around(item.substr(semicolon + 1)));
    if (!parameter.starts_with("q=") && !parameter.starts_with("Q=")) return true;
    return std::strtod(parameter.c_str() + 2, nullptr) > 0;
  }
  return false;
}

Response answer(const WebAssets::Asset& asset, const Request& request) {
  Response response{200,
                    asset.body,
                    asset.content_type,
                    {{"Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache"},
                     {"Content-Security-Policy", kWebContentSecurityPolicy},
                     {"X-Content-Type-Options", "nosniff"},
                     {"Referrer-Policy", "no-referrer"}}};
  if (asset.gzipped.empty()) return response;
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (accepts_gzip(request.header("accept-encoding"))) {
    response.body = asset.gzipped;
    response.headers.emplace_back("Content-Encoding", "gzip");
  }
  return response;
}

}  // namespace

WebAssets WebAssets::load(const fs::path& directory) {
  WebAssets assets;
  std::error_code missing;
  if (!fs::is_regular_file(directory / "index.html", missing)) return assets;
  std::vector<fs::path> twins;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().extension() == ".gz") {
      twins.push_back(entry.path());
      continue;
    }
    const std::string relative = fs::relative(entry.path(), directory).generic_string();
    // Vite names what it builds into assets/ after the content's hash.
    assets.files_["/" + relative] = {read_file(entry.path()), "", content_type_of(entry.path()),
                                     relative.starts_with("assets/")};
  }
  // A .gz without its uncompressed file is not served at all.
  for (const auto& twin : twins) {
    const std::string relative = fs::relative(twin, directory).replace_extension().generic_string();
    if (auto found = assets.files_.find("/" + relative); found != assets.files_.end()) {
      found->second.gzipped = read_file(twin);
    }
  }
  return assets;
}

void add_web_routes(Router& router, const WebAssets& assets) {
  for (const auto& [path, asset] : assets.files()) {
    router.add(
        "GET", path, Router::kPublic, [&asset](Request& request) { return answer(asset, request); },
        Router::Runs::kOnIoThread);
  }
  if (auto index = assets.files().find("/index.html"); index != assets.files().end()) {
    router.add(
        "GET", "/", Router::kPublic, [&asset = index->second](Request& request) { return answer(asset, request); },
        Router::Runs::kOnIoThread);
  }
}

}  // namespace jsr::http
