// expect: COMPLETED
// expect-output: ["TypeError","TypeError","TypeError","TypeError","TypeError","TypeError"]
// maxResponseBytes is a whole number of bytes up to the client's own 5 MiB:
// a cap past it would reserve more of the host's memory than any answer may
// take, and zero, fractions and other types are refused before anything is sent.
export default async () => {
  const names = [];
  for (const cap of [0, -1, 1.5, '1024', 5 * 1024 * 1024 + 1, Infinity]) {
    try { await sdk.http.get('https://example.test/', { maxResponseBytes: cap }); names.push('allowed'); }
    catch (e) { names.push(e.name); }
  }
  return names;
};
