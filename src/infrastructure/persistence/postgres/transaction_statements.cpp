#include "infrastructure/persistence/postgres/transaction_statements.h"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace jsr::persistence {

std::string first_word(std::string_view sql) {
  std::size_t at = 0;
  while (at < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[at]))) {
      ++at;
    } else if (sql.substr(at, 2) == "--") {
      at = sql.find('\n', at);
    } else if (sql.substr(at, 2) == "/*") {
      int depth = 0;
      do {
        if (sql.substr(at, 2) == "/*") {
          ++depth;
          at += 2;
        } else if (sql.substr(at, 2) == "*/") {
          --depth;
          at += 2;
        } else {
          ++at;
        }
      } while (depth > 0 && at < sql.size());
    } else {
      break;
    }
  }
  std::string word;
  for (; at < sql.size() && std::isalpha(static_cast<unsigned char>(sql[at])); ++at) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[at])));
  }
  return word;
}

bool controls_transactions(std::string_view sql) {
  static constexpr std::string_view kVerbs[] = {"BEGIN", "START",     "COMMIT",  "END",    "ROLLBACK",
                                                "ABORT", "SAVEPOINT", "RELEASE", "PREPARE"};
  const std::string word = first_word(sql);
  return std::find(std::begin(kVerbs), std::end(kVerbs), word) != std::end(kVerbs);
}

}  // namespace jsr::persistence
