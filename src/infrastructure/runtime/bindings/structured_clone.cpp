// structuredClone(value): a deep copy by the HTML structured clone algorithm
// (objects, arrays, Map, Set, Date, RegExp, ArrayBuffer and typed arrays);
// functions and other uncloneable values throw.
#include <js/StructuredClone.h>

#include "infrastructure/runtime/bindings/binding.h"

namespace jsr::runtime::bindings {
namespace {

bool structured_clone(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "structuredClone");
  if (!call.require(1)) return false;
  JS::RootedValue copy(cx);
  if (!JS_StructuredClone(cx, call.arg(0), &copy, nullptr, nullptr)) return false;
  call.args().rval().set(copy);
  return true;
}

const JSFunctionSpec kFunctions[] = {
    JS_FN("structuredClone", guarded<structured_clone>, 1, JSPROP_ENUMERATE),
    JS_FS_END,
};

}  // namespace

bool install_structured_clone(JSContext* cx, JS::HandleObject global) {
  return JS_DefineFunctions(cx, global, kFunctions);
}

}  // namespace jsr::runtime::bindings
