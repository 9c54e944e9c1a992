// The JSON body readers: any bytes give a value or a named error (never an
// exception, never a recursion as deep as the input), and every value read
// serialises back without throwing. As an http script's JSON body, the same
// bytes are refused with the same error or passed on inside an input that is
// still JSON, with the body as its "body" and nothing else changed.
#include <cstdint>
#include <string_view>

#include "domain/text.h"
#include "fuzz/fuzz_check.h"
#include "presentation/http/endpoint_exchange.h"
#include "presentation/http/script_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace jsr;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = http::parse_json_text(bytes, domain::kMaxApiJsonDepth);

  http::Request hook;
  hook.method = "POST";
  hook.headers = {{"content-type", "application/json"}};
  hook.body = std::string(bytes);
  hook.remote_address = "127.0.0.1";
  if (auto input = http::endpoint_input(hook, "/p", {}, 1 << 20); input) {
    const http::Json passed = http::Json::parse(*input, nullptr, false);
    JSR_FUZZ_CHECK(!passed.is_discarded() && passed.is_object());
    JSR_FUZZ_CHECK(passed.size() == 8);  // method, path, params, query, headers, body, ip, rawBody
    JSR_FUZZ_CHECK(passed["ip"] == "127.0.0.1" && passed["rawBody"] == hook.body);
    const http::Json alone = http::Json::parse(bytes, nullptr, false);
    JSR_FUZZ_CHECK(!alone.is_discarded() && passed["body"] == alone);
  } else {
    JSR_FUZZ_CHECK(input.error().code == domain::ErrorCode::kInvalidUtf8 ||
                   input.error().code == domain::ErrorCode::kNestingTooDeep ||
                   input.error().code == domain::ErrorCode::kInvalidJson);
  }
  if (!parsed) {
    using jsr::domain::ErrorCode;
    const ErrorCode code = parsed.error().code;
    JSR_FUZZ_CHECK(code == ErrorCode::kInvalidUtf8 || code == ErrorCode::kNestingTooDeep ||
                   code == ErrorCode::kInvalidJson);
    return 0;
  }
  const std::string text = http::json_text(*parsed);
  JSR_FUZZ_CHECK(domain::is_valid_utf8(text));
  JSR_FUZZ_CHECK(domain::json_nesting_depth(text, domain::kMaxApiJsonDepth) <= domain::kMaxApiJsonDepth);
  if (parsed->is_object()) {
    if (auto creation = http::creation_from_json(*parsed)) {
      JSR_FUZZ_CHECK(domain::is_valid_utf8(creation->definition.name));
    } else {
      JSR_FUZZ_CHECK(creation.error().is(jsr::domain::ErrorCode::kValidationFailed) &&
                     !creation.error().details.empty());
    }
    (void)http::patch_from_json(*parsed);
  }
  (void)http::stored_json(std::string(bytes));
  return 0;
}
