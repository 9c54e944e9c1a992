// expect: RUNTIME_ERROR
export default () => {
  throw "x".repeat(50 << 20);
};
