// expect: COMPLETED
// expect-output: [64,true,"TypeError","RangeError"]
export default function () {
  const bytes = crypto.getRandomValues(new Uint8Array(64));
  let floatError = null;
  try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { floatError = e.name; }
  let sizeError = null;
  try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { sizeError = e.name; }
  return [bytes.length, bytes.some((b) => b !== 0), floatError, sizeError];
}
