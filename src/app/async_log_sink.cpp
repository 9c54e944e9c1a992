#include "app/async_log_sink.h"

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace jsr::app {

AsyncLogSink::AsyncLogSink(std::size_t queue_lines)
    : threads_(std::make_shared<spdlog::details::thread_pool>(queue_lines, 1)) {
  auto stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  stderr_sink->set_pattern("%v");  // the line is already the whole JSON record
  logger_ =
      std::make_shared<spdlog::async_logger>("jsruntime", stderr_sink, threads_, spdlog::async_overflow_policy::block);
  logger_->set_level(spdlog::level::trace);  // the level is log::set_level's to decide
  logger_->flush_on(spdlog::level::warn);
  previous_ = log::set_sink([logger = logger_](log::Level level, std::string line) {
    logger->log(level == log::Level::kError  ? spdlog::level::err
                : level == log::Level::kWarn ? spdlog::level::warn
                                             : spdlog::level::info,
                "{}", line);
  });
}

AsyncLogSink::~AsyncLogSink() {
  log::set_sink(std::move(previous_));
  logger_->flush();
}

}  // namespace jsr::app
