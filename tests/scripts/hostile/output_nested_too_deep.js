// expect: OUTPUT_NOT_SERIALIZABLE
export default () => {
  let value = [];
  for (let i = 0; i < 1000; i++) value = [value];
  return value;
};
