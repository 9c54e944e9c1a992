// The statements a script's PostgreSQL session may not run, found however
// they are written: any case, after blanks and comments (nested block
// comments too), and only as the statement's first word.
#include "infrastructure/persistence/postgres/transaction_statements.h"

#include <gtest/gtest.h>

namespace jsr::persistence {
namespace {

TEST(TransactionStatements, EveryVerbThatEndsOrSplitsATransactionIsFoundHoweverWritten) {
  for (const char* sql : {"COMMIT", "commit", "  End", "ROLLBACK TO SAVEPOINT x", "abort", "BEGIN", "start transaction",
                          "SAVEPOINT s", "release s", "PREPARE TRANSACTION 'x'", "-- a note\nCOMMIT",
                          "/* sly */ END", "/* outer /* inner */ still a comment */ COMMIT", "\t\n COMMIT;"}) {
    EXPECT_TRUE(controls_transactions(sql)) << sql;
  }
}

TEST(TransactionStatements, OtherStatementsAndWordsThatOnlyBeginLikeAVerbAreNot) {
  for (const char* sql : {"SELECT 1", "INSERT INTO t VALUES (1)", "ENDPOINTS", "COMMITTED", "SELECT 'COMMIT'",
                          "/* COMMIT */ SELECT 1", "-- COMMIT\nSELECT 1", "", "   ", "-- only a comment",
                          "/* never closed COMMIT", "WITH x AS (SELECT 1) SELECT * FROM x"}) {
    EXPECT_FALSE(controls_transactions(sql)) << sql;
  }
}

TEST(TransactionStatements, TheFirstWordIsReadPastCommentsInUpperCase) {
  EXPECT_EQ(first_word("  /* a /* b */ c */ -- d\n select 1"), "SELECT");
  EXPECT_EQ(first_word("update t set x = 1"), "UPDATE");
  EXPECT_EQ(first_word("(SELECT 1)"), "");
}

}  // namespace
}  // namespace jsr::persistence
