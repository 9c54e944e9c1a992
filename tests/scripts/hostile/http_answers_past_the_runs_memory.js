// expect: COMPLETED
// expect-output: {"bounded":true,"first":"API_LIMIT"}
// Each sdk.http request may buffer a 5 MiB answer in the host's memory, outside
// the VM's: the run's requests in flight at once stay within its memory limit
// (64 MiB: twelve of them), past it they are refused at once. Of 40 issued
// together some are refused, and at most 28: a request that fails early (this
// host has no network) gives its room back to a later one.
export default async () => {
  const settled = await Promise.allSettled(Array.from({ length: 40 }, () => sdk.http.get('https://example.invalid/')));
  const limited = settled.filter((s) => s.status === 'rejected' && s.reason.code === 'API_LIMIT');
  return { bounded: limited.length >= 1 && limited.length <= 28, first: limited[0]?.reason.code };
};
