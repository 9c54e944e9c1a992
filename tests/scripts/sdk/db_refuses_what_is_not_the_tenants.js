// expect: COMPLETED
// expect-output: ["UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION"]
// A script's statements may read and write its tenant's tables only: the database's authorizer refuses
// definitions, files, pragmas, SQLite's and jsruntime's own tables and transaction statements.
export default async () => {
  const codes = [];
  for (const sql of [
    'CREATE TABLE mine (a)',
    'CREATE TEMP TABLE mine (a)',
    'CREATE VIEW mine AS SELECT 1',
    "ATTACH DATABASE '/tmp/jsruntime-elsewhere.db' AS elsewhere",
    "VACUUM INTO '/tmp/jsruntime-copy.db'",
    'PRAGMA journal_mode = DELETE',
    'SELECT * FROM sqlite_master',
    'SELECT * FROM jsruntime_migrations',
    'DELETE FROM jsruntime_migrations',
    'BEGIN',
    'SAVEPOINT here',
  ]) {
    try { await sdk.db.query(sql); codes.push('allowed: ' + sql); } catch (e) { codes.push(e.code); }
  }
  return codes;
};
