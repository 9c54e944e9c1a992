// expect: RUNTIME_ERROR
export default () => (function () {}).constructor("return this")();
