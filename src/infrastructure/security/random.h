// Randomness from the kernel (getrandom), for identifiers, tokens and the
// scripts' crypto API.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace jsr::security {

// False only when the kernel has no randomness to give.
bool fill_random(std::uint8_t* bytes, std::size_t length);
// A version 4 UUID in its usual text form; empty when there is no randomness.
std::string random_uuid();
// A version 7 UUID (RFC 9562): the Unix time in milliseconds, 12 bits that
// order the identifiers this process makes within one millisecond, then 62
// random bits. Identifiers made later sort later, so a table keyed by them
// grows at its end instead of touching a random page of its index per
// insert, and a list ordered by time then id is in the order of making. The
// random bits come from a per-thread buffer refilled from the kernel, not one
// system call per identifier. Empty when there is no randomness.
std::string time_ordered_uuid(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace jsr::security
