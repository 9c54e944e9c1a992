// expect: MEMORY_LIMIT
export default () => {
  const kept = [];
  for (;;) kept.push(new Promise(() => {}).then(() => {}));
};
