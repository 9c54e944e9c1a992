// expect: COMPLETED
// expect-output: {"refused":"RangeError","kept":null,"fits":1048574}
// A value is at most 1 MiB as JSON: one byte more is refused before anything is stored.
export default async () => {
  let refused;
  try { await sdk.cache.set('suite:big', 'x'.repeat(1024 * 1024 - 1)); } catch (e) { refused = e.name; }
  await sdk.cache.set('suite:fits', 'x'.repeat(1024 * 1024 - 2));
  return { refused, kept: await sdk.cache.get('suite:big'), fits: (await sdk.cache.get('suite:fits')).length };
};
