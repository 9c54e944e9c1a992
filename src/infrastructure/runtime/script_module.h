// The first step of every execution: a script's source becomes a linked
// module instance — compiled once per source (through the compile cache,
// shared by the VMs), instantiated in the current realm, and linked (every
// import is refused: scripts are single modules).
#pragma once

#include <js/TypeDecls.h>

#include <expected>

#include "domain/execution_error.h"
#include "domain/execution_request.h"

namespace jsr::runtime {

class CompileCache;

// On failure the engine's exception (if any) is pending; `code` is what it
// is reported as, and a refused import is reported by the engine outside any
// script frame, so the caller points at the import in the source instead.
struct ModuleFailure {
  domain::ExecutionErrorCode code;
  bool refused_import = false;
};

std::expected<JSObject*, ModuleFailure> link_module(JSContext* cx, CompileCache& compile_cache,
                                                    const domain::ExecutionRequest& request);

}  // namespace jsr::runtime
