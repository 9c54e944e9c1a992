// expect: MEMORY_LIMIT
export default () => {
  const big = new Array(1 << 20).fill("x");
  const copies = [];
  for (;;) copies.push(structuredClone(big));
};
