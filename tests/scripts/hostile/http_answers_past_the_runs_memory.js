// expect: COMPLETED
// expect-output: {"limited":8,"first":"API_LIMIT"}
// Each sdk.http request may buffer a 5 MiB answer in the host's memory, outside
// the VM's: the run's requests in flight at once stay within its memory limit
// (64 MiB: twelve of them), past it they are refused at once.
export default async () => {
  const settled = await Promise.allSettled(Array.from({ length: 20 }, () => sdk.http.get('https://example.invalid/')));
  const limited = settled.filter((s) => s.status === 'rejected' && s.reason.code === 'API_LIMIT');
  return { limited: limited.length, first: limited[0]?.reason.code };
};
