// Randomness from the kernel (getrandom), for identifiers, tokens and the
// scripts' crypto API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace jsr::security {

// False only when the kernel has no randomness to give.
bool fill_random(std::uint8_t* bytes, std::size_t length);
// A version 4 UUID in its usual text form; empty when there is no randomness.
std::string random_uuid();

}  // namespace jsr::security
