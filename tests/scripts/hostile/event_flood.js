// expect: COMPLETED
// expect-output: {"published":100,"refused":900,"reason":"RangeError: events.publish: an execution may publish at most 100 events"}
// A loop publishing events cannot flood the store: past 100 an execution's publishes are refused.
export default async () => {
  const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => events.publish('flood.tick', i)));
  const refused = results.filter((r) => r.status === 'rejected');
  return {
    published: results.filter((r) => r.status === 'fulfilled').length,
    refused: refused.length,
    reason: String(refused[0].reason),
  };
};
