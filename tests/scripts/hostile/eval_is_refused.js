// expect: RUNTIME_ERROR
// expect-message: eval
export default () => eval("1 + 1");
