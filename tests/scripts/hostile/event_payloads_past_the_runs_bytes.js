// expect: COMPLETED
// expect-output: {"stored":4,"refused":"RangeError: events.publish: an execution may publish at most 1 MiB of event payloads"}
// Each event's payload is stored once for every subscriber and becomes other
// runs' input: one run's payloads together are bounded (one run stored 143 MB once).
export default async () => {
  const payload = 'x'.repeat(256 * 1024 - 100);
  let stored = 0;
  try {
    for (let i = 0; i < 10; i++) { await events.publish('bulk.load', payload); stored++; }
  } catch (e) {
    return { stored, refused: String(e) };
  }
  return { stored, refused: 'none' };
};
