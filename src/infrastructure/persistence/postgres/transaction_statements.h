// Which statements a script's session may not run on PostgreSQL because they
// begin, end or split a transaction: PostgreSQL needs no privilege for them,
// and one run inside a session's transaction would commit it — the sdk.db
// transaction's, or a dry run's, whose writes must never be kept. (Procedures
// and DO blocks cannot end a transaction block they are called in.)
#pragma once

#include <string>
#include <string_view>

namespace jsr::persistence {

// The statement's first word, upper case, past blanks and comments (line
// comments, and block comments, which nest in PostgreSQL).
std::string first_word(std::string_view sql);

// BEGIN, START, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE.
bool controls_transactions(std::string_view sql);

}  // namespace jsr::persistence
