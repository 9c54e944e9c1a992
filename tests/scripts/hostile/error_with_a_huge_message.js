// expect: RUNTIME_ERROR
export default () => {
  throw new Error("m".repeat(8 << 20));
};
