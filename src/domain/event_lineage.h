// Where an event stands in the chain of runs that caused it. A handler that
// publishes events whose handlers publish events fans out generation by
// generation (20 each: 38 000 stored deliveries in 5 s once); so a chain is
// bounded in depth (generations) and in width: the product of how many
// events each run along it published — the third event of a run caused by
// an event of width 4 has width 12. An event past either bound is refused.
#pragma once

#include <cstdint>

namespace jsr::domain {

// How many events an event may cause through the scripts it runs, one after
// the other (an event script publishing, a failure's execution.failed).
inline constexpr int kMaxEventDepth = 8;
// How wide a chain may fan out: at most this many events in any generation.
inline constexpr std::int64_t kMaxEventChainWidth = 1000;

struct EventLineage {
  int depth = 0;            // 0: published from outside; n: caused by a run of a depth n-1 event
  std::int64_t width = 1;   // the chain's fan-out up to this event

  // The `nth` event (from 1) that a run caused by this event publishes.
  EventLineage child(std::uint32_t nth) const { return {depth + 1, width * static_cast<std::int64_t>(nth)}; }
  bool within_bounds() const { return depth <= kMaxEventDepth && width <= kMaxEventChainWidth; }
  bool operator==(const EventLineage&) const = default;
};

}  // namespace jsr::domain
