// A script's answer → the HTTP bytes the server writes: whatever JSON an http
// script returns, endpoint_response gives a response that Beast can hold and
// serialise (an answer it could not hold once ended the process), confined to
// an opaque origin, with no header that acts for the whole origin.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <sstream>
#include <string_view>

#include "domain/text.h"
#include "fuzz/fuzz_check.h"
#include "presentation/http/beast_response.h"
#include "presentation/http/endpoint_exchange.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace jsr;
  const std::string output(reinterpret_cast<const char*>(data), size);
  const http::Response response = http::confined(http::endpoint_response(output));
  JSR_FUZZ_CHECK(response.status >= 200 && response.status <= 599);
  std::size_t header_bytes = 0;
  bool sandboxed = false;
  for (const auto& [name, value] : response.headers) {
    const std::string lowered = domain::ascii_lower(name);
    JSR_FUZZ_CHECK(lowered != "set-cookie" && lowered != "service-worker-allowed" &&
                   lowered != "strict-transport-security" && lowered != "clear-site-data");
    sandboxed = sandboxed || (lowered == "content-security-policy" && value == "sandbox");
    header_bytes += name.size() + value.size();
  }
  JSR_FUZZ_CHECK(sandboxed);
  JSR_FUZZ_CHECK(header_bytes <= http::kMaxResponseHeaderBytes + 1024);  // the script's, and the server's few
  for (const bool head : {false, true}) {
    const auto message = http::beast_response(response, 11, head, true);  // must not throw
    std::ostringstream wire;
    wire << *message;
    JSR_FUZZ_CHECK(wire.str().starts_with("HTTP/1.1 "));
  }
  return 0;
}
