// expect: COMPLETED
export default () => {
  let value = {};
  for (let i = 0; i < 100000; i++) value = { value };
  console.log(value);
  return "logged";
};
