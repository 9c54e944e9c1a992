// expect: COMPLETED
// expect-output: "UNAUTHORIZED_OPERATION"
// secrets: {"DB_KEY": "dbk_7f3a9c1e5b2d8f4a"}
// expect-absent: ["dbk_7f3a", "7f3a9c1e5b2d8f4a"]
// A refused statement goes to the security log: one built from a secret
// must not carry it there.
export default async () => {
  const key = await sdk.secrets.get('DB_KEY');
  try {
    await sdk.db.query(`ATTACH DATABASE '/tmp/${key}.db' AS stolen`);
    return 'allowed';
  } catch (e) {
    return e.code;
  }
};
