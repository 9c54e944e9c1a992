#include "infrastructure/persistence/sqlite/linear_text_functions.h"

#include <sqlite3.h>
#include <string.h>  // memmem (a GNU extension)

#include <cstdint>
#include <string>
#include <string_view>

namespace jsr::persistence {
namespace {

std::string_view bytes_of(sqlite3_value* value, bool as_blob) {
  const void* data = as_blob ? sqlite3_value_blob(value) : static_cast<const void*>(sqlite3_value_text(value));
  return {static_cast<const char*>(data), static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

// The offset of `needle` in `text`, or npos.
std::size_t find(std::string_view text, std::string_view needle) {
  if (needle.empty()) return 0;
  const void* found = memmem(text.data(), text.size(), needle.data(), needle.size());
  return found == nullptr ? std::string_view::npos : static_cast<const char*>(found) - text.data();
}

// instr(X, Y): the 1-based position of Y's first occurrence in X — in bytes
// when both are blobs, in characters otherwise — 0 when there is none, NULL
// when either is NULL.
void instr(sqlite3_context* context, int, sqlite3_value** arguments) {
  if (sqlite3_value_type(arguments[0]) == SQLITE_NULL || sqlite3_value_type(arguments[1]) == SQLITE_NULL) return;
  const bool blobs = sqlite3_value_type(arguments[0]) == SQLITE_BLOB && sqlite3_value_type(arguments[1]) == SQLITE_BLOB;
  // The needle's bytes are read before the text's: reading one may convert the other.
  const std::string needle(bytes_of(arguments[1], blobs));
  const std::string_view text = bytes_of(arguments[0], blobs);
  if (text.data() == nullptr && !text.empty()) return sqlite3_result_error_nomem(context);
  const std::size_t at = find(text, needle);
  if (at == std::string_view::npos) return sqlite3_result_int64(context, 0);
  std::int64_t position = 1;
  if (blobs) {
    position += static_cast<std::int64_t>(at);
  } else {
    for (std::size_t i = 0; i < at; ++i) position += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  sqlite3_result_int64(context, position);
}

// replace(X, Y, Z): X as text with every Y replaced by Z; X itself when Y is
// empty; NULL when any is NULL.
void replace(sqlite3_context* context, int, sqlite3_value** arguments) {
  for (int i = 0; i < 3; ++i) {
    if (sqlite3_value_type(arguments[i]) == SQLITE_NULL) return;
  }
  const std::string pattern(bytes_of(arguments[1], false));
  const std::string replacement(bytes_of(arguments[2], false));
  const std::string_view text = bytes_of(arguments[0], false);
  if (pattern.empty()) {
    sqlite3_result_value(context, arguments[0]);
    return;
  }
  const auto limit = static_cast<std::size_t>(sqlite3_limit(sqlite3_context_db_handle(context), SQLITE_LIMIT_LENGTH, -1));
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = find(text, pattern); at != std::string_view::npos;) {
    out.append(text.substr(copied, at - copied));
    out.append(replacement);
    copied = at + pattern.size();
    if (out.size() > limit) return sqlite3_result_error_toobig(context);
    const std::size_t next = find(text.substr(copied), pattern);
    at = next == std::string_view::npos ? next : copied + next;
  }
  out.append(text.substr(copied));
  if (out.size() > limit) return sqlite3_result_error_toobig(context);
  sqlite3_result_text64(context, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

}  // namespace

void install_linear_text_functions(sqlite3* db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  sqlite3_create_function_v2(db, "instr", 2, kFlags, nullptr, instr, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "replace", 3, kFlags, nullptr, replace, nullptr, nullptr, nullptr);
}

}  // namespace jsr::persistence
