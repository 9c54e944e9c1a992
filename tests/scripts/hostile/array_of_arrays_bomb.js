// expect: MEMORY_LIMIT
export default () => {
  const kept = [];
  for (;;) kept.push(new Array(100000).fill(kept.length));
};
