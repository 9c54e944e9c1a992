// expect: COMPLETED
// expect-output: {"missing":null,"got":{"token":"t-1","scopes":["read"]},"exists":[true,false],"counts":[1,6,4.5],"deleted":[true,false],"after":null,"refused":["RangeError","RangeError","TypeError","RangeError","TypeError","Error"]}
// sdk.cache keeps JSON values by key, counts atomically, forgets on delete; bad keys, values and TTLs are refused.
export default async () => {
  const missing = await sdk.cache.get('suite:nothing-here');
  await sdk.cache.set('suite:token', { token: 't-1', scopes: ['read'] }, 3600);
  const got = await sdk.cache.get('suite:token');
  const exists = [await sdk.cache.exists('suite:token'), await sdk.cache.exists('suite:other')];
  await sdk.cache.delete('suite:counter');
  const counts = [await sdk.cache.increment('suite:counter'), await sdk.cache.increment('suite:counter', 5),
                  await sdk.cache.increment('suite:counter', -1.5)];
  const deleted = [await sdk.cache.delete('suite:token'), await sdk.cache.delete('suite:token')];
  const after = await sdk.cache.get('suite:token');
  const refused = [];
  for (const attempt of [
    () => sdk.cache.get(''),
    () => sdk.cache.get('k'.repeat(513)),
    () => sdk.cache.set('suite:undefined', undefined),
    () => sdk.cache.set('suite:ttl', 1, -5),
    () => sdk.cache.set('suite:bigint', { n: 1n }),
    () => sdk.cache.increment('suite:token-as-number', 1).then(() => sdk.cache.set('suite:text', 'abc'))
                                                        .then(() => sdk.cache.increment('suite:text')),
  ]) {
    try { await attempt(); refused.push('done'); } catch (e) { refused.push(e.name); }
  }
  return { missing, got, exists, counts, deleted, after, refused };
};
