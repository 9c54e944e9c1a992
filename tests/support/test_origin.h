// A real HTTP server on 127.0.0.1 for sdk.http's tests: what a partner's API
// would answer, with a thread per connection.
//   /echo            {method, target, headers, body} of the request, as JSON
//   /text            "hello" as text/plain
//   /slow?ms=N       the echo, after N ms
//   /redirect?to=URL 302 to URL;  /redirects?n=N  N redirects, then the echo
//   /big?bytes=N     N bytes of "x"
//   /latin1          bytes that are not UTF-8, as text/plain
//   /not-json        "{oops" labelled application/json
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace jsr::testing {

class TestOrigin {
 public:
  TestOrigin();
  ~TestOrigin();
  TestOrigin(const TestOrigin&) = delete;
  TestOrigin& operator=(const TestOrigin&) = delete;

  std::uint16_t port() const;
  std::string url(const std::string& target) const;  // http://127.0.0.1:PORT/target
  std::size_t requests() const { return requests_.load(); }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::atomic<std::size_t> requests_{0};
};

}  // namespace jsr::testing
