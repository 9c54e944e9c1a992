// expect: RUNTIME_ERROR
export default () => {
  Object.prototype.polluted = true;
  return "polluted";
};
