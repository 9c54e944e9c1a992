// expect: LOG_LIMIT
export default () => {
  for (;;) console.log("flood");
};
