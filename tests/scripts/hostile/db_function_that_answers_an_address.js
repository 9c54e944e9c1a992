// expect: COMPLETED
// expect-output: ["UNAUTHORIZED_OPERATION","UNAUTHORIZED_OPERATION"]
// SQLite's fts3_tokenizer('name') answers a pointer into the server's memory
// (where its code lies: an ASLR leak); the authorizer refuses it.
export default async () => {
  const codes = [];
  for (const sql of ["SELECT hex(fts3_tokenizer('simple')) AS address", "SELECT fts3_tokenizer('porter') AS address"]) {
    try { codes.push('allowed: ' + JSON.stringify(await sdk.db.query(sql))); } catch (e) { codes.push(e.code); }
  }
  return codes;
};
