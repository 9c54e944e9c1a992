// expect: COMPLETED
// expect-output: {"rows":[{"n":1,"half":0.5,"text":"é ✓","missing":null,"yes":1,"object":"{\"a\":[1,2]}","big":"9007199254740993"}],"first":{"x":2},"none":null,"changed":0,"counted":1000,"refused":["ROW_LIMIT","QUERY_ERROR","QUERY_ERROR","QUERY_ERROR","QUERY_ERROR","TypeError","TypeError"]}
// sdk.db answers rows as objects, binds $1… by number (objects as their JSON), stops at 1 000 rows, and refuses
// malformed calls: one statement per call, parameters as $N and as many as the statement uses, params an array.
export default async () => {
  const rows = await sdk.db.query(
    'SELECT $1 AS n, $2 AS half, $3 AS text, $4 AS missing, $5 AS yes, $6 AS object, 9007199254740993 AS big',
    [1, 0.5, 'é ✓', null, true, { a: [1, 2] }]);
  const first = await sdk.db.queryOne('SELECT 2 AS x UNION ALL SELECT 3');
  const none = await sdk.db.queryOne('SELECT 1 WHERE 0');
  const changed = await sdk.db.execute('SELECT 1');
  const thousand = await sdk.db.query(
    'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i FROM n');
  const refused = [];
  for (const attempt of [
    () => sdk.db.query('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1001) SELECT i FROM n'),
    () => sdk.db.query('SELECT 1; SELECT 2'),
    () => sdk.db.query('SELECT ?', [1]),
    () => sdk.db.query('SELECT $2', [1]),
    () => sdk.db.query('SELECT $1', [1, 2]),
    () => sdk.db.query('SELECT $1', 'not an array'),
    () => sdk.db.query('SELECT $1', [1n]),
  ]) {
    try { await attempt(); refused.push('done'); } catch (e) { refused.push(e.code ?? e.name); }
  }
  return { rows, first, none, changed, counted: thousand.length, refused };
};
