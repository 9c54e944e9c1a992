// expect: COMPLETED
// expect-output: {"codes":["QUERY_ERROR","QUERY_ERROR","RangeError","UNAUTHORIZED_OPERATION","TypeError","ROW_LIMIT"],"lone":"\ufffd","still":1}
// Asking the database to make a huge value, a huge parameter list, a lone surrogate, an extension or a
// deeply nested parameter ends in an error the script can catch; the server carries on.
export default async () => {
  let nested = [];
  for (let i = 0; i < 300; i++) nested = [nested];
  const codes = [];
  for (const attempt of [
    () => sdk.db.query('SELECT zeroblob(1000000000) AS huge'),
    () => sdk.db.query("WITH RECURSIVE n(i, s) AS (SELECT 1, 'x' UNION ALL SELECT i + 1, s || s FROM n WHERE i < 40) SELECT max(length(s)) FROM n"),
    () => sdk.db.query('SELECT $1', ['x'.repeat(2 * 1024 * 1024)]),
    () => sdk.db.query("SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')"),
    () => sdk.db.query('SELECT $1', [nested]),
    () => sdk.db.query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i, printf('%.8000c', 'x') AS wide FROM n"),
  ]) {
    try { await attempt(); codes.push('allowed'); } catch (e) { codes.push(e.code ?? e.name); }
  }
  const { lone } = await sdk.db.queryOne('SELECT $1 AS lone', ['\uD800']);
  return { codes, lone, still: (await sdk.db.queryOne('SELECT 1 AS still')).still };
};
