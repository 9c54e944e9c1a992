// expect: RUNTIME_ERROR
// expect-message: can never settle
export default () => new Promise(() => {});
