// expect: RUNTIME_ERROR
// expect-message: timers are pending
export default () => {
  for (let i = 0; i < 600000; i++) setTimeout(() => {}, 100000);
};
