// expect: COMPLETED
// secrets: {"TOKEN": "tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}
// expect-absent: ["tok_ABC", "ABCDEFGHIJ"]
// A log line cut at its limit (16 KiB) kept the first bytes of a secret that
// straddled the cut: the line is scrubbed first, then cut.
export default async () => {
  const token = await sdk.secrets.get('TOKEN');
  for (let shift = 0; shift < 40; shift += 4) console.log('x'.repeat(16384 - 20 + shift) + token);
  sdk.log.info('y'.repeat(16384 - 10) + token);
};
