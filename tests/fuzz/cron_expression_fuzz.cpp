// The cron parser: any text is an expression or an error that says what is
// wrong; a parsed expression prints the text it came from.
#include <cstdint>
#include <string>

#include "domain/cron_expression.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = jsr::domain::CronExpression::parse(text);
  if (parsed) {
    JSR_FUZZ_CHECK(parsed->text() == text);
  } else {
    JSR_FUZZ_CHECK(!parsed.error().empty());
  }
  return 0;
}
