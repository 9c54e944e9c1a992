// Turns what the engine threw (a pending exception or a rejection reason) into
// an ExecutionError with the author's line, column and stack.
#pragma once

#include <js/TypeDecls.h>

#include <cstdint>
#include <string_view>

#include "domain/execution_error.h"

namespace jsr::runtime {

// Takes the pending exception (the caller has entered a realm). Errors the
// engine throws for its own limits keep their limit's code: "too much
// recursion" is STACK_LIMIT and "out of memory" is MEMORY_LIMIT.
domain::ExecutionError take_pending_exception(JSContext* cx, domain::ExecutionErrorCode code);

// The same for a value a promise was rejected with.
domain::ExecutionError error_from_value(JSContext* cx, JS::HandleValue thrown, domain::ExecutionErrorCode code);

// A refused import is reported by the engine's resolve hook, outside any
// script frame: the 1-based line of the import that the refusal message
// names ("import of 'fs' is not allowed ..."), found in the source, or 0.
std::uint32_t line_of_refused_import(std::string_view source, std::string_view message);

}  // namespace jsr::runtime
