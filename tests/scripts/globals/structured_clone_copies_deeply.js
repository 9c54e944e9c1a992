// expect: COMPLETED
// expect-output: [1,true,true,true,"TypeError"]
export default function () {
  const original = { when: new Date(0), tags: new Set(['a']), nested: { n: 1 } };
  const copy = structuredClone(original);
  copy.nested.n = 2;
  let cloneError = null;
  try { structuredClone({ f() {} }); } catch (e) { cloneError = e.name; }
  return [original.nested.n, copy.when instanceof Date, copy.tags.has('a'), copy !== original, cloneError];
}
