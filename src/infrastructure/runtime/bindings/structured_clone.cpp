// structuredClone(value): a deep copy by the HTML structured clone algorithm
// (objects, arrays, Map, Set, Date, RegExp, ArrayBuffer and typed arrays);
// functions and other uncloneable values throw.
#include <js/StructuredClone.h>

#include "infrastructure/runtime/bindings/native.h"

namespace jsr::runtime::bindings {
namespace {

JsResult<JS::Value> structured_clone(JSContext* cx, JS::HandleValue value) {
  JS::RootedValue copy(cx);
  if (!JS_StructuredClone(cx, value, &copy, nullptr, nullptr)) return std::unexpected(JsError::from_engine());
  return copy.get();
}

const JSFunctionSpec kFunctions[] = {
    method<"structuredClone", structured_clone>(),
    JS_FS_END,
};

}  // namespace

bool install_structured_clone(JSContext* cx, JS::HandleObject global) {
  return JS_DefineFunctions(cx, global, kFunctions);
}

}  // namespace jsr::runtime::bindings
