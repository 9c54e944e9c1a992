// expect: RUNTIME_ERROR
// expect-message: allocation size overflow
// Ropes make doubling cheap: the engine's string length limit ends it first.
export default () => {
  let text = "ab";
  for (;;) text = text + text + "!";
};
