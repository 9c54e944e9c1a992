// The web UI's files through the real server: index.html at /, hashed
// assets cached for a year, the Content-Security-Policy on each, and no path
// that is not one of the built files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

TEST(WebUi, TheBuiltFilesAreServedWithTheirTypesCachingAndPolicy) {
  const fs::path web = fresh_data_dir("web-ui");
  write(web / "index.html", "<!doctype html><title>jsruntime</title>");
  write(web / "assets" / "index-3f2a9c.js", "console.log('ui');");
  write(web.parent_path() / "outside-the-ui.txt", "not to be served");
  ServerProcess server({"--data-dir", fresh_data_dir("web-ui-data"), "--web-dir", web.string()});

  const HttpReply index = server.get("/", "");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>jsruntime</title>");
  EXPECT_EQ(index.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.headers.at("cache-control"), "no-cache");
  EXPECT_NE(index.headers.at("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_NE(index.headers.at("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(index.headers.at("x-content-type-options"), "nosniff");

  const HttpReply script = server.get("/assets/index-3f2a9c.js", "");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.headers.at("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers.at("cache-control"), "public, max-age=31536000, immutable");

  EXPECT_EQ(server.get("/assets/missing.js", "").status, 404);
  EXPECT_EQ(server.get("/assets/../../outside-the-ui.txt", "").status, 404);
  EXPECT_EQ(server.get("/%2e%2e/outside-the-ui.txt", "").status, 404);
  EXPECT_EQ(server.get("/healthz", "").status, 200) << "the API is still the API";
  fs::remove_all(web);
}

TEST(WebUi, AGzippedTwinGoesToClientsThatAcceptGzip) {
  const fs::path web = fresh_data_dir("web-ui-gzip");
  write(web / "index.html", "<!doctype html>");
  write(web / "assets" / "app-1a2b.js", "console.log('plain');");
  write(web / "assets" / "app-1a2b.js.gz", "the gzipped twin");  // the server sends it as built
  write(web / "assets" / "orphan-9f.js.gz", "no file of its own");
  ServerProcess server({"--data-dir", fresh_data_dir("web-ui-data"), "--web-dir", web.string()});
  const auto fetch = [&](const std::string& accept) {
    return server.request_with_headers("GET", "/assets/app-1a2b.js", "", {{"Accept-Encoding", accept}});
  };

  for (const char* accept : {"gzip", "br, gzip;q=0.5", "deflate, GZIP"}) {
    const HttpReply compressed = fetch(accept);
    EXPECT_EQ(compressed.body, "the gzipped twin") << accept;
    EXPECT_EQ(compressed.headers.at("content-encoding"), "gzip") << accept;
    EXPECT_EQ(compressed.headers.at("vary"), "Accept-Encoding");
    EXPECT_EQ(compressed.headers.at("content-type"), "text/javascript; charset=utf-8");
  }
  for (const char* accept : {"", "br", "gzip;q=0", "gzip; q=0.0", "identity"}) {
    const HttpReply plain = fetch(accept);
    EXPECT_EQ(plain.body, "console.log('plain');") << accept;
    EXPECT_FALSE(plain.headers.contains("content-encoding")) << accept;
    EXPECT_EQ(plain.headers.at("vary"), "Accept-Encoding");
  }
  // Files without a twin say nothing of encodings; twins are not files of their own.
  EXPECT_FALSE(server.get("/", "").headers.contains("vary"));
  EXPECT_EQ(server.get("/assets/app-1a2b.js.gz", "").status, 404);
  EXPECT_EQ(server.get("/assets/orphan-9f.js.gz", "").status, 404);
  EXPECT_EQ(server.get("/assets/orphan-9f.js", "").status, 404);
  fs::remove_all(web);
}

TEST(WebUi, AServerBuiltWithoutTheUiAnswersNotFoundAtTheRoot) {
  const fs::path empty = fresh_data_dir("web-ui-empty");
  fs::create_directories(empty);
  ServerProcess server({"--data-dir", fresh_data_dir("web-ui-data"), "--web-dir", empty.string()});
  EXPECT_EQ(server.get("/", "").status, 404);
  fs::remove_all(empty);
}

}  // namespace
}  // namespace jsr::testing
