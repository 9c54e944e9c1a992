// expect: COMPLETED
// expect-output: {"found":0,"at":4000001,"replaced":4000000,"like":"QUERY_ERROR"}
// One call of a SQLite function runs where the statement timeout cannot stop
// it: instr() and replace() of a long needle in megabytes of text once took
// hours inside a single call (they compare at every position); a LIKE
// pattern is bounded in length for the same reason.
export default async () => {
  const text = "printf('%.*c', 4000000, 'a')";
  const needle = "printf('%.*c', 200000, 'a') || 'b'";
  const { found } = await sdk.db.queryOne(`SELECT instr(${text}, ${needle}) AS found`);
  const { at } = await sdk.db.queryOne(`SELECT instr(${text} || 'b', 'ab') + 1 AS at`);
  const { replaced } = await sdk.db.queryOne(`SELECT length(replace(${text}, ${needle}, 'x')) AS replaced`);
  let like = 'allowed';
  try {
    await sdk.db.queryOne(`SELECT ${text} LIKE ('%' || printf('%.*c', 5000, 'a') || '%b') AS matched`);
  } catch (e) { like = e.code; }
  return { found, at, replaced, like };
};
