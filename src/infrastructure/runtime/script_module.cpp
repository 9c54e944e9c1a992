#include "infrastructure/runtime/script_module.h"

#include <js/CompilationAndEvaluation.h>
#include <js/CompileOptions.h>
#include <js/Modules.h>
#include <js/SourceText.h>
#include <js/experimental/JSStencil.h>
#include <jsapi.h>

#include "infrastructure/runtime/compile_cache.h"

namespace jsr::runtime {

using domain::ExecutionErrorCode;

std::expected<JSObject*, ModuleFailure> link_module(JSContext* cx, CompileCache& compile_cache,
                                                    const domain::ExecutionRequest& request) {
  const auto key = CompileCache::key_for(request.tenant_id, request.source_name, request.source);
  RefPtr<JS::Stencil> stencil = compile_cache.find(key);
  JS::CompileOptions options(cx);
  options.setFileAndLine(request.source_name.c_str(), 1);
  if (!stencil) {
    JS::SourceText<mozilla::Utf8Unit> source;
    if (!source.init(cx, request.source.data(), request.source.size(), JS::SourceOwnership::Borrowed)) {
      return std::unexpected(ModuleFailure{ExecutionErrorCode::kSyntaxError});
    }
    stencil = JS::CompileModuleScriptToStencil(cx, options, source);
    if (!stencil) return std::unexpected(ModuleFailure{ExecutionErrorCode::kSyntaxError});
    compile_cache.insert(key, stencil);
  }

  JS::InstantiateOptions instantiate_options(options);
  JS::RootedObject module(cx, JS::InstantiateModuleStencil(cx, instantiate_options, stencil));
  if (!module) return std::unexpected(ModuleFailure{ExecutionErrorCode::kSyntaxError});
  if (!JS::ModuleInstantiate(cx, module)) {
    return std::unexpected(ModuleFailure{ExecutionErrorCode::kInvalidScript, true});
  }
  return module.get();
}

}  // namespace jsr::runtime
