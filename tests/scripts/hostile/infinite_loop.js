// expect: TIMEOUT
// limits: {"max_execution_time_ms": 1000}
export default () => {
  for (;;) {}
};
