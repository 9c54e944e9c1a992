// The globals every script has: timers, microtasks, structuredClone, crypto,
// TextEncoder/TextDecoder and atob/btoa.
#include <regex>

#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using nlohmann::json;

class Globals : public RuntimeTest {};

TEST_F(Globals, TimersFireInOrderWithArgumentsAndCanBeCleared) {
  EXPECT_EQ(output_of(R"(export default async function () {
    const events = [];
    const cancelled = setTimeout(() => events.push('cancelled'), 5);
    setTimeout((a, b) => events.push(a + b), 10, 'ar', 'gs');
    setTimeout(() => events.push('first'), 1);
    clearTimeout(cancelled);
    await new Promise((resolve) => setTimeout(resolve, 30));
    return events;
  })"),
            json::parse(R"(["first","args"])"));
}

TEST_F(Globals, MicrotasksRunBeforeTimers) {
  EXPECT_EQ(output_of(R"(export default async function () {
    const order = [];
    setTimeout(() => order.push('timer'), 0);
    queueMicrotask(() => order.push('microtask'));
    Promise.resolve().then(() => order.push('promise'));
    order.push('sync');
    await new Promise((resolve) => setTimeout(resolve, 5));
    return order;
  })"),
            json::parse(R"(["sync","microtask","promise","timer"])"));
}

TEST_F(Globals, AnErrorThrownInATimerFailsTheExecution) {
  const std::string message = error_of(R"(export default async function () {
    setTimeout(() => { throw new Error('in timer'); }, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
  })",
                                       "RUNTIME_ERROR");
  EXPECT_EQ(message, "Error: in timer");
}

TEST_F(Globals, StructuredCloneCopiesDeeply) {
  EXPECT_EQ(output_of(R"(export default function () {
    const original = { when: new Date(0), tags: new Set(['a']), nested: { n: 1 } };
    const copy = structuredClone(original);
    copy.nested.n = 2;
    let cloneError = null;
    try { structuredClone({ f() {} }); } catch (e) { cloneError = e.name; }
    return [original.nested.n, copy.when instanceof Date, copy.tags.has('a'), copy !== original, cloneError];
  })"),
            json::parse(R"([1,true,true,true,"TypeError"])"));
}

TEST_F(Globals, RandomUuidsAreVersion4AndDistinct) {
  const json uuids = output_of("export default () => [crypto.randomUUID(), crypto.randomUUID()]");
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  EXPECT_TRUE(std::regex_match(uuids[0].get<std::string>(), v4)) << uuids[0];
  EXPECT_NE(uuids[0], uuids[1]);
}

TEST_F(Globals, GetRandomValuesFillsIntegerArrays) {
  EXPECT_EQ(output_of(R"(export default function () {
    const bytes = crypto.getRandomValues(new Uint8Array(64));
    let floatError = null;
    try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { floatError = e.name; }
    return [bytes.length, bytes.some((b) => b !== 0), floatError];
  })"),
            json::parse(R"([64,true,"TypeError"])"));
}

TEST_F(Globals, TextEncoderAndDecoderRoundTripUtf8) {
  EXPECT_EQ(output_of(R"(export default function () {
    const text = 'Oʻzbekiston — Россия 🚀';
    const bytes = new TextEncoder().encode(text);
    const decoder = new TextDecoder();
    return [bytes.length, decoder.decode(bytes) === text, decoder.encoding, new TextEncoder().encoding,
            decoder.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x68, 0x69]).buffer)];
  })"),
            json::parse(R"([34,true,"utf-8","utf-8","hi"])"));
}

TEST_F(Globals, TextDecoderReplacesOrRejectsInvalidBytes) {
  EXPECT_EQ(output_of(R"(export default function () {
    const invalid = new Uint8Array([0x61, 0xFF, 0x62, 0xE2, 0x82]);
    let fatalError = null;
    try { new TextDecoder('utf-8', { fatal: true }).decode(invalid); } catch (e) { fatalError = e.name; }
    let labelError = null;
    try { new TextDecoder('latin1'); } catch (e) { labelError = e.name; }
    return [new TextDecoder().decode(invalid), fatalError, labelError];
  })"),
            json::parse(R"(["a\ufffdb\ufffd","TypeError","RangeError"])"));
}

TEST_F(Globals, Base64RoundTripsLatin1) {
  EXPECT_EQ(output_of(R"(export default function () {
    let wideError = null;
    try { btoa('€'); } catch (e) { wideError = e.message.includes('InvalidCharacterError'); }
    let badError = null;
    try { atob('a'); } catch (e) { badError = e.message.includes('InvalidCharacterError'); }
    return [btoa('hello'), btoa('ab'), atob('aGVsbG8='), atob(' YW Jj '), atob(btoa('\xff\x00')) === '\xff\x00',
            wideError, badError];
  })"),
            json::parse(R"(["aGVsbG8=","YWI=","hello","abc",true,true,true])"));
}

}  // namespace
}  // namespace jsr::runtime::testing
