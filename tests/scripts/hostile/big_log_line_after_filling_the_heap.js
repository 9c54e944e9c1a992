// expect: COMPLETED
// expect-log: line truncated at 16384 bytes
// A 12 MB console line once made the host throw std::bad_alloc on the VM thread.
export default () => {
  const kept = [];
  for (let i = 0; i < 40; i++) kept.push("x".repeat(1 << 20) + i);
  console.log("y".repeat(12 << 20));
  return kept.length;
};
