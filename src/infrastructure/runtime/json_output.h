// Serialises an execution's result to JSON under the output-size limit.
// JSON.stringify may run the script's own code (getters, toJSON, proxies):
// the caller keeps the execution's turn open, so the time limit still holds.
#pragma once

#include <js/TypeDecls.h>

#include <cstddef>
#include <expected>
#include <string>

#include "domain/execution_error.h"

namespace jsr::runtime {

// On failure the error is OUTPUT_LIMIT, OUTPUT_NOT_SERIALIZABLE or, when the
// script's own code threw, RUNTIME_ERROR. If the engine was told to stop the
// execution meanwhile, the execution's termination reason takes precedence.
std::expected<std::string, domain::ExecutionError> serialize_output(JSContext* cx, JS::HandleValue value,
                                                                    std::size_t max_bytes);

// JSON.stringify writes a lone surrogate as an escape ("\ud800"), which is
// not Unicode text and which no other JSON reader accepts: each becomes
// "\ufffd". Escaped backslashes and well-formed pairs are left alone.
void replace_lone_surrogate_escapes(std::string& json);

}  // namespace jsr::runtime
