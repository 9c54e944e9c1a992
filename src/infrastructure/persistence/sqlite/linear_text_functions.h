// SQLite's instr() and replace() compare the needle at every position of the
// text: a megabyte needle in a few megabytes of text is hours of work inside
// one function call, where neither the progress handler nor
// sqlite3_interrupt can stop it (they act between the VM's steps). These
// take the same arguments and answer the same, in time linear in the text
// (glibc's memmem is the two-way algorithm). Installed on every connection a
// tenant's statements run on.
#pragma once

struct sqlite3;

namespace jsr::persistence {

void install_linear_text_functions(sqlite3* db);

}  // namespace jsr::persistence
