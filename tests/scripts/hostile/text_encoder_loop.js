// expect: MEMORY_LIMIT
export default () => {
  const encoder = new TextEncoder();
  const kept = [];
  for (;;) kept.push(encoder.encode("z".repeat(1 << 20)));
};
