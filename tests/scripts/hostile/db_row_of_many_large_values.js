// expect: COMPLETED
// expect-output: {"code":"ROW_LIMIT","still":1}
// One row of many large values: the answer's bound is counted value by value
// as the row is read, not once a row of hundreds of megabytes was built.
export default async () => {
  const columns = Array.from({ length: 100 }, (_, i) => `zeroblob(4000000) AS b${i}`).join(', ');
  let code = 'allowed';
  try { await sdk.db.query(`SELECT ${columns}`); } catch (e) { code = e.code; }
  return { code, still: (await sdk.db.queryOne('SELECT 1 AS still')).still };
};
