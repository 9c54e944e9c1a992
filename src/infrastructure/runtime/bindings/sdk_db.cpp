// `sdk.db`: the tenant's own database. query(sql, params) → the rows (at
// most 1 000), queryOne(sql, params) → the first row or null, execute(sql,
// params) → how many rows changed, transaction(async (tx) => …) → what the
// callback returns, committed — rolled back when it throws or the execution
// ends first. Parameters are $1, $2, …; a statement runs at most 5 s. What
// the database refuses (DDL, another tenant's tables, …) rejects with
// UNAUTHORIZED_OPERATION and is told to the security log.
#include <js/Array.h>
#include <js/CompilationAndEvaluation.h>
#include <js/SourceText.h>

#include <nlohmann/json.hpp>

#include "domain/execution_error.h"
#include "domain/script_database.h"
#include "domain/security_log.h"
#include "domain/secret_scrubber.h"
#include "domain/text.h"
#include "infrastructure/runtime/dry_run.h"
#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/json_output.h"

namespace jsr::runtime::bindings {
namespace {

using domain::DbFailure;
using domain::DbStatement;
using domain::ExecutionErrorCode;

constexpr std::size_t kMaxParamsBytes = 1024 * 1024;
// By DbStatement::Answer: the method a dry run records a statement under.
constexpr std::string_view kAnswerApis[] = {"sdk.db.query", "sdk.db.queryOne", "sdk.db.execute"};

ExecutionErrorCode code_of(DbFailure::Kind kind) {
  switch (kind) {
    case DbFailure::Kind::kUnauthorized: return ExecutionErrorCode::kUnauthorizedOperation;
    case DbFailure::Kind::kRowLimit: return ExecutionErrorCode::kRowLimit;
    case DbFailure::Kind::kTimeout: return ExecutionErrorCode::kQueryTimeout;
    case DbFailure::Kind::kQuery: return ExecutionErrorCode::kQueryError;
    case DbFailure::Kind::kQuota: return ExecutionErrorCode::kQuotaExceeded;
    case DbFailure::Kind::kUnavailable: break;
  }
  return ExecutionErrorCode::kStorageError;
}

JsResult<domain::DbSession*> session_of(RunningExecution& execution) {
  if (execution.services().db == nullptr) return std::unexpected(JsError::error("sdk.db is not available here"));
  if (!execution.db_session) {
    execution.db_session = execution.services().db->open_session(
        execution.request().tenant_id, execution.dry_run() ? domain::DbWrites::kRolledBack : domain::DbWrites::kKept);
  }
  return execution.db_session.get();
}

// Settles the call with the answer, or rejects it with the failure's code;
// the database's refusals also go to the security log.
domain::DbDone settle(HostCallSettlement settlement, const RunningExecution& execution,
                      std::string sql) {
  auto shared = std::make_shared<HostCallSettlement>(std::move(settlement));
  const auto& request = execution.request();
  return [shared, security = execution.services().security, tenant = request.tenant_id, script = request.script_id,
          id = request.execution_id, sql = std::move(sql),
          scrubber = execution.secret_scrubber()](domain::DbResult result) mutable {
    if (result) return resolve(*shared, JsonText{std::move(*result)});
    const std::string_view code = to_string(code_of(result.error().kind));
    const auto kind = result.error().kind;
    if (security != nullptr && (kind == DbFailure::Kind::kUnauthorized || kind == DbFailure::Kind::kRowLimit ||
                                kind == DbFailure::Kind::kQuota)) {
      // A statement built from a secret names it: scrubbed before it is cut.
      if (scrubber) scrubber->scrub(sql);
      security->refused({code, tenant, script, id, "sdk.db " + domain::quoted(sql, 200)});
    }
    shared->reject({std::string(code), std::move(result.error().message)});
  };
}

template <DbStatement::Answer kAnswer>
JsResult<void> statement(HostCallSettlement settlement, JSContext* cx, RunningExecution& execution,
                         std::string sql, std::optional<JS::HandleValue> params) {
  auto session = session_of(execution);
  if (!session) return std::unexpected(session.error());
  DbStatement statement{.sql = std::move(sql), .answer = kAnswer};
  if (params && !params->isNull()) {
    bool is_array = false;
    if (!JS::IsArrayObject(cx, *params, &is_array)) return std::unexpected(JsError::from_engine());
    if (!is_array) return std::unexpected(JsError::type_error("params must be an array, for $1, $2, ..."));
    auto json = serialize_output(cx, *params, kMaxParamsBytes);
    if (!json) {
      if (execution.termination() || JS_IsExceptionPending(cx)) return std::unexpected(JsError::from_engine());
      if (json.error().code == ExecutionErrorCode::kOutputLimit) {
        return std::unexpected(JsError::range_error("the parameters are over 1 MiB as JSON"));
      }
      return std::unexpected(JsError::type_error("the parameters must be JSON: " + json.error().message));
    }
    statement.params_json = std::move(*json);
  }
  std::string logged = statement.sql;
  if (DryRun* dry_run = execution.dry_run()) {
    dry_run->record(std::string(kAnswerApis[static_cast<int>(kAnswer)]),
                    "{\"sql\":" + nlohmann::json(statement.sql).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                        ",\"params\":" + statement.params_json + "}");
  }
  (*session)->run(std::move(statement), settle(std::move(settlement), execution, std::move(logged)));
  return {};
}

JsResult<void> begin(HostCallSettlement settlement, RunningExecution& execution) {
  auto session = session_of(execution);
  if (!session) return std::unexpected(session.error());
  (*session)->begin(settle(std::move(settlement), execution, "BEGIN"));
  return {};
}

JsResult<void> finish(HostCallSettlement settlement, RunningExecution& execution, bool commit) {
  auto session = session_of(execution);
  if (!session) return std::unexpected(session.error());
  (*session)->finish(commit, settle(std::move(settlement), execution, commit ? "COMMIT" : "ROLLBACK"));
  return {};
}

const JSFunctionSpec kDbMethods[] = {
    sdk_method<"sdk.db.query", statement<DbStatement::Answer::kRows>>(),
    sdk_method<"sdk.db.queryOne", statement<DbStatement::Answer::kFirstRow>>(),
    sdk_method<"sdk.db.execute", statement<DbStatement::Answer::kAffected>>(),
    JS_FS_END,
};

// transaction() in JavaScript, as it awaits the script's callback: begin,
// run it with `tx` (the statements, refused once the transaction is over),
// commit when it returns, roll back when it throws. A commit that fails
// rejects; a rollback's own failure never hides the callback's error.
constexpr std::string_view kTransactionSource = R"JS((function (db, begin, finish) {
  'use strict';
  const { freeze, defineProperty } = Object;
  const over = () => Promise.reject(new Error('sdk.db.transaction: the transaction is over'));
  async function transaction(work) {
    if (typeof work !== 'function') throw new TypeError('sdk.db.transaction: work must be a function');
    await begin();
    let open = true;
    const guarded = (method) => (sql, params) => (open ? method(sql, params) : over());
    const tx = freeze({ query: guarded(db.query), queryOne: guarded(db.queryOne), execute: guarded(db.execute) });
    let result;
    try {
      result = await work(tx);
    } catch (error) {
      open = false;
      await finish(false).catch(() => {});
      throw error;
    }
    open = false;
    await finish(true);
    return result;
  }
  defineProperty(db, 'transaction', { value: transaction, enumerable: true });
}))JS";

}  // namespace

bool install_sdk_db(JSContext* cx, JS::HandleObject sdk) {
  JS::RootedObject db(cx, define_api_object(cx, sdk, "db", kDbMethods));
  if (!db) return false;
  JSFunction* begin_function = JS_NewFunction(cx, async_native<"sdk.db.transaction", begin, true>, 0, 0, "begin");
  if (begin_function == nullptr) return false;
  JS::RootedValue begin_value(cx, JS::ObjectValue(*JS_GetFunctionObject(begin_function)));
  JSFunction* finish_function = JS_NewFunction(cx, async_native<"sdk.db.transaction", finish>, 1, 0, "finish");
  if (finish_function == nullptr) return false;
  JS::RootedValue finish_value(cx, JS::ObjectValue(*JS_GetFunctionObject(finish_function)));

  JS::CompileOptions options(cx);
  options.setFileAndLine("jsruntime:sdk.db", 1);
  JS::SourceText<mozilla::Utf8Unit> source;
  if (!source.init(cx, kTransactionSource.data(), kTransactionSource.size(), JS::SourceOwnership::Borrowed)) {
    return false;
  }
  JS::RootedValue installer(cx);
  if (!JS::Evaluate(cx, options, source, &installer)) return false;
  JS::RootedValueArray<3> arguments(cx);
  arguments[0].setObject(*db);
  arguments[1].set(begin_value);
  arguments[2].set(finish_value);
  JS::RootedValue ignored(cx);
  return JS_CallFunctionValue(cx, nullptr, installer, arguments, &ignored);
}

}  // namespace jsr::runtime::bindings
