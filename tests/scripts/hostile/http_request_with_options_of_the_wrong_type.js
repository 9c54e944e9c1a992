// expect: COMPLETED
// expect-output: ["TypeError","TypeError","TypeError","TypeError","TypeError","TypeError","TypeError"]
// Every option of sdk.http.request is checked: a wrong type rejects that
// promise with a TypeError and the run carries on (a numeric method once
// ended the whole run).
export default async () => {
  const names = [];
  for (const spec of [
    { url: 'https://example.test/', method: 42 },
    { url: 'https://example.test/', method: { toString: () => 'GET' } },
    { url: 42 },
    { url: 'https://example.test/', headers: 'x' },
    { url: 'https://example.test/', query: [1] },
    { url: 'https://example.test/', timeout: -1 },
    { url: 'https://example.test/', redirect: 'follow' },
  ]) {
    try { await sdk.http.request(spec); names.push('allowed'); } catch (e) { names.push(e.name); }
  }
  return names;
};
