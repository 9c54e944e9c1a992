// URL, query, header and media-type decoding: whatever the bytes, decoding
// answers a value or a named error, and what it answers is UTF-8.
#include <cstdint>
#include <string_view>

#include "domain/text.h"
#include "fuzz/fuzz_check.h"
#include "presentation/http/request_decoding.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto target = jsr::http::decode_target(bytes)) {
    JSR_FUZZ_CHECK(jsr::domain::is_valid_utf8(target->path));
    for (const auto& [name, value] : target->query) {
      JSR_FUZZ_CHECK(jsr::domain::is_valid_utf8(name) && jsr::domain::is_valid_utf8(value));
    }
  } else {
    JSR_FUZZ_CHECK(target.error().is(jsr::domain::ErrorCode::kInvalidUtf8));
  }
  const auto checked = jsr::http::check_header("x-fuzz", bytes);
  JSR_FUZZ_CHECK(checked.has_value() == jsr::domain::is_valid_utf8(bytes));
  const auto media = jsr::http::parse_media_type(bytes);
  JSR_FUZZ_CHECK(media.type.size() <= bytes.size());
  const std::string quoted = jsr::domain::quoted(bytes);
  JSR_FUZZ_CHECK(jsr::domain::is_valid_utf8(quoted));
  return 0;
}
