// expect: MEMORY_LIMIT
export default () => {
  const block = new Array(1 << 16).fill(1.5);
  for (let i = 0; i < 9000; i++) setTimeout(() => {}, 100000, block.slice());
};
