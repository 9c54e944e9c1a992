#include "infrastructure/persistence/data_space.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace jsr::persistence {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

}  // namespace

domain::DbFailure StatementGuard::failure() const {
  if (abandoned != nullptr && abandoned->load()) {
    return {domain::DbFailure::Kind::kTimeout, "the execution ended while the statement ran"};
  }
  return {domain::DbFailure::Kind::kTimeout,
          "the statement ran longer than " + std::to_string(domain::kDbStatementTimeout.count()) + " s"};
}

std::optional<std::vector<DbParam>> parse_db_params(const std::string& params_json) {
  Json parsed = Json::parse(params_json, nullptr, false);
  if (!parsed.is_array()) return std::nullopt;
  std::vector<DbParam> params;
  params.reserve(parsed.size());
  for (const auto& value : parsed) {
    if (value.is_null()) {
      params.emplace_back(nullptr);
    } else if (value.is_boolean()) {
      params.emplace_back(value.get<bool>());
    } else if (value.is_number_integer()) {
      params.emplace_back(value.get<std::int64_t>());
    } else if (value.is_number()) {
      const double number = value.get<double>();
      // JSON.stringify writes 1e21 for an integral double; it is still a number.
      if (std::trunc(number) == number && std::fabs(number) <= double(kMaxSafeInteger)) {
        params.emplace_back(static_cast<std::int64_t>(number));
      } else {
        params.emplace_back(number);
      }
    } else if (value.is_string()) {
      params.emplace_back(value.get<std::string>());
    } else {
      params.emplace_back(value.dump());
    }
  }
  return params;
}

struct DbAnswerWriter::State {
  std::vector<std::string> columns;
  Json rows = Json::array();
  Json row;
  std::size_t column = 0;
  std::size_t bytes = 0;
  bool over = false;  // the answer passed kMaxDbResultBytes: nothing more is copied

  // Counts a value before it is copied: a row of many large values stops at
  // the first that would pass the bound, not once the whole row was built.
  bool room_for(std::size_t size) {
    if (!over && bytes + size <= domain::kMaxDbResultBytes) return true;
    over = true;
    return false;
  }
  void add(Json value, std::size_t size) {
    bytes += size;
    const std::string& name = column < columns.size() ? columns[column] : std::to_string(column);
    row[name] = std::move(value);
    ++column;
  }
};

DbAnswerWriter::DbAnswerWriter(domain::DbStatement::Answer answer)
    : state_(std::make_unique<State>()), answer_(answer) {}
DbAnswerWriter::~DbAnswerWriter() = default;

void DbAnswerWriter::set_columns(std::vector<std::string> names) { state_->columns = std::move(names); }
bool DbAnswerWriter::has_columns() const { return !state_->columns.empty(); }

bool DbAnswerWriter::begin_row() {
  if (answer_ == domain::DbStatement::Answer::kFirstRow && !state_->rows.empty()) return false;
  if (answer_ == domain::DbStatement::Answer::kAffected) return false;
  if (state_->rows.size() >= domain::kMaxDbRows) {
    failure_ = {domain::DbFailure::Kind::kRowLimit,
                "the query returned more than " + std::to_string(domain::kMaxDbRows) +
                    " rows; add a LIMIT or page through them"};
    return false;
  }
  if (state_->over) {
    failure_ = {domain::DbFailure::Kind::kRowLimit,
                "the query's rows are over " + std::to_string(domain::kMaxDbResultBytes >> 20) + " MiB"};
    return false;
  }
  state_->row = Json::object();
  state_->column = 0;
  return true;
}

bool DbAnswerWriter::room_for(std::size_t bytes) { return state_->room_for(bytes); }

void DbAnswerWriter::add_null() {
  if (state_->room_for(4)) state_->add(nullptr, 4);
}
void DbAnswerWriter::add_bool(bool value) {
  if (state_->room_for(5)) state_->add(value, 5);
}
void DbAnswerWriter::add_integer(std::int64_t value) {
  if (!state_->room_for(20)) return;
  if (value > kMaxSafeInteger || value < -kMaxSafeInteger) return state_->add(std::to_string(value), 20);
  state_->add(value, 8);
}
void DbAnswerWriter::add_double(double value) {
  if (!state_->room_for(8)) return;
  if (!std::isfinite(value)) return state_->add(nullptr, 4);
  state_->add(value, 8);
}
void DbAnswerWriter::add_text(std::string_view text) {
  if (state_->room_for(text.size() + 2)) state_->add(std::string(text), text.size() + 2);
}
void DbAnswerWriter::add_json(std::string_view json) {
  if (!state_->room_for(json.size())) return;
  Json parsed = Json::parse(json, nullptr, false);
  if (parsed.is_discarded()) return add_text(json);
  state_->add(std::move(parsed), json.size());
}
void DbAnswerWriter::end_row() {
  if (state_->over) {
    failure_ = {domain::DbFailure::Kind::kRowLimit,
                "the query's rows are over " + std::to_string(domain::kMaxDbResultBytes >> 20) + " MiB"};
    return;
  }
  state_->rows.push_back(std::move(state_->row));
}

std::string DbAnswerWriter::finish(std::int64_t affected) {
  // Invalid UTF-8 in a stored text becomes U+FFFD rather than failing the answer.
  constexpr auto kReplace = Json::error_handler_t::replace;
  switch (answer_) {
    case domain::DbStatement::Answer::kAffected:
      return std::to_string(affected);
    case domain::DbStatement::Answer::kFirstRow:
      return state_->rows.empty() ? "null" : state_->rows.front().dump(-1, ' ', false, kReplace);
    case domain::DbStatement::Answer::kRows:
      break;
  }
  return state_->rows.dump(-1, ' ', false, kReplace);
}

}  // namespace jsr::persistence
