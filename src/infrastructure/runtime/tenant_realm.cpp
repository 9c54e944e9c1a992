#include "infrastructure/runtime/tenant_realm.h"

#include <js/CompilationAndEvaluation.h>
#include <js/CompileOptions.h>
#include <js/GlobalObject.h>
#include <js/RegExp.h>
#include <js/RegExpFlags.h>
#include <js/SourceText.h>

#include <stdexcept>
#include <string_view>

#include "infrastructure/runtime/bindings/binding.h"

namespace jsr::runtime {
namespace {

const JSClass kGlobalClass = {"global", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps, nullptr, nullptr, nullptr};

// Freezes every object reachable from the global, including intrinsics that
// no global property names (iterator and generator prototypes, %TypedArray%).
// Properties that ordinary code assigns on instances (`this.name = ...` in an
// Error subclass, `F.prototype.toString = ...`) would hit the "override
// mistake" once their prototype is frozen; they become accessors whose setter
// defines the property on the instance instead.
constexpr std::string_view kHardenSource = R"JS((function harden(root) {
  'use strict';
  const { getPrototypeOf, getOwnPropertyDescriptor, defineProperty, freeze } = Object;
  const ownKeys = Reflect.ownKeys;

  function allowOverride(object, key) {
    const descriptor = getOwnPropertyDescriptor(object, key);
    if (!descriptor || !('value' in descriptor) || !descriptor.configurable) return;
    const value = descriptor.value;
    defineProperty(object, key, {
      get() { return value; },
      set(newValue) {
        if (this === object) throw new TypeError(`Cannot assign to read only property '${String(key)}' of a built-in`);
        defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }
  const errorPrototypes = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
                           AggregateError, InternalError].map(C => C.prototype);
  for (const proto of errorPrototypes) for (const key of ['name', 'message', 'constructor', 'toString']) allowOverride(proto, key);
  for (const key of ['constructor', 'toString', 'valueOf', 'toLocaleString', 'hasOwnProperty', 'isPrototypeOf',
                     'propertyIsEnumerable']) allowOverride(Object.prototype, key);
  for (const key of ['constructor', 'toString', 'name']) allowOverride(Function.prototype, key);
  for (const proto of [Array.prototype, Promise.prototype, Date.prototype, RegExp.prototype, Map.prototype,
                       Set.prototype, String.prototype, Number.prototype, Boolean.prototype]) {
    for (const key of ['constructor', 'toString']) allowOverride(proto, key);
  }

  const hidden = [
    getPrototypeOf(function* () {}), getPrototypeOf(async function () {}), getPrototypeOf(async function* () {}),
    getPrototypeOf((function* () {})()), getPrototypeOf((async function* () {})()),
    getPrototypeOf([][Symbol.iterator]()), getPrototypeOf(new Map()[Symbol.iterator]()),
    getPrototypeOf(new Set()[Symbol.iterator]()), getPrototypeOf(''[Symbol.iterator]()),
    getPrototypeOf(/a/[Symbol.matchAll]('')), getPrototypeOf(Int8Array),
  ];
  const seen = new Set();
  const pending = [root, ...hidden];
  while (pending.length > 0) {
    const object = pending.pop();
    if ((typeof object !== 'object' && typeof object !== 'function') || object === null || seen.has(object)) continue;
    seen.add(object);
    freeze(object);
    pending.push(getPrototypeOf(object));
    for (const key of ownKeys(object)) {
      const descriptor = getOwnPropertyDescriptor(object, key);
      if ('value' in descriptor) pending.push(descriptor.value);
      else pending.push(descriptor.get, descriptor.set);
    }
  }
})(globalThis);
)JS";

// Globals the engine provides that jsruntime does not offer.
constexpr const char* kRemovedGlobals[] = {"eval", "WebAssembly", "SharedArrayBuffer", "Atomics", "uneval"};

void throw_engine_failure(JSContext* cx, const char* step) {
  JS_ClearPendingException(cx);
  throw std::runtime_error(std::string("cannot build the tenant realm: ") + step);
}

}  // namespace

TenantRealm::TenantRealm(JSContext* cx, std::string tenant_id, std::span<const GlobalInstaller> extra_globals)
    : tenant_id_(std::move(tenant_id)), global_(cx), empty_pattern_(cx) {
  JS::RealmOptions options;
  global_ = JS_NewGlobalObject(cx, &kGlobalClass, nullptr, JS::DontFireOnNewGlobalHook, options);
  if (!global_) throw_engine_failure(cx, "JS_NewGlobalObject");
  JSAutoRealm in_realm(cx, global_);
  if (!JS::InitRealmStandardClasses(cx)) throw_engine_failure(cx, "standard classes");
  for (const char* name : kRemovedGlobals) {
    if (!JS_DeleteProperty(cx, global_, name)) throw_engine_failure(cx, name);
  }
  JS_FireOnNewGlobalObject(cx, global_);
  if (!bindings::install_globals(cx, global_)) throw_engine_failure(cx, "globals");
  for (GlobalInstaller install : extra_globals) {
    if (!install(cx, global_)) throw_engine_failure(cx, "extra globals");
  }

  JS::CompileOptions compile_options(cx);
  compile_options.setFileAndLine("jsruntime:harden", 1);
  JS::SourceText<mozilla::Utf8Unit> source;
  if (!source.init(cx, kHardenSource.data(), kHardenSource.size(), JS::SourceOwnership::Borrowed)) {
    throw_engine_failure(cx, "harden source");
  }
  JS::RootedValue ignored(cx);
  if (!JS::Evaluate(cx, compile_options, source, &ignored)) throw_engine_failure(cx, "freezing the intrinsics");
  empty_pattern_ = JS::NewRegExpObject(cx, "", 0, JS::RegExpFlags{});
  if (!empty_pattern_) throw_engine_failure(cx, "RegExp");
}

void TenantRealm::reset_shared_state(JSContext* cx) const {
  JS::RootedObject global(cx, global_);
  JS::RootedObject pattern(cx, empty_pattern_);
  JS::RootedValue ignored(cx);
  std::size_t index = 0;
  if (!JS::ExecuteRegExp(cx, global, pattern, u"", 0, &index, true, &ignored)) JS_ClearPendingException(cx);
}

}  // namespace jsr::runtime
