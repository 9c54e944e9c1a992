// expect: COMPLETED
// expect-output: [true,true,true]
const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export default () => {
  const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
  return [v4.test(a), v4.test(b), a !== b];
};
