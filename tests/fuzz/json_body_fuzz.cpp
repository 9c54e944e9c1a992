// The JSON body readers: any bytes give a value or a named error (never an
// exception, never a recursion as deep as the input), and every value read
// serialises back without throwing.
#include <cstdint>
#include <string_view>

#include "domain/text.h"
#include "fuzz/fuzz_check.h"
#include "presentation/http/script_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace jsr;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = http::parse_json_text(bytes, domain::kMaxApiJsonDepth);
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
