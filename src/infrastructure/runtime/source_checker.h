// The engine's answer to "can this source run?" (domain::SourceCheck): one
// thread with its own context compiles the source as the VMs would — through
// the shared compile cache, so the first run finds it compiled — links it
// (imports are refused) and looks for a default export, without running a
// line of it. Thread-safe; callers wait for their answer.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>

#include "domain/source_check.h"

namespace jsr::runtime {

class CompileCache;
class Engine;
class NativeThread;

class SourceChecker final : public domain::SourceCheck {
 public:
  SourceChecker(Engine& engine, CompileCache& compile_cache);
  ~SourceChecker() override;
  SourceChecker(const SourceChecker&) = delete;
  SourceChecker& operator=(const SourceChecker&) = delete;

  std::optional<domain::FieldError> check(const std::string& tenant_id, const std::string& source) override;

 private:
  struct Request {
    std::string tenant_id;
    std::string source;
    std::promise<std::optional<domain::FieldError>> answer;
  };

  void serve(Engine& engine);

  CompileCache& compile_cache_;
  std::mutex mutex_;  // guards requests_ and stopping_
  std::condition_variable changed_;
  std::deque<Request> requests_;
  bool stopping_ = false;
  std::unique_ptr<NativeThread> thread_;
};

}  // namespace jsr::runtime
