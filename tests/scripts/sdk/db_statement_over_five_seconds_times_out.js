// expect: QUERY_TIMEOUT
// expect-message: longer than 5 s
// expect-line: 6
// A statement that runs on is interrupted after 5 s; uncaught, the execution ends with QUERY_TIMEOUT at its line.
export default async () => {
  await sdk.db.query('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n');
};
