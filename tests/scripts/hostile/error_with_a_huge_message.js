// expect: RUNTIME_ERROR
// expect-message: mmmmmmmm
export default () => {
  throw new Error("m".repeat(8 << 20));
};
