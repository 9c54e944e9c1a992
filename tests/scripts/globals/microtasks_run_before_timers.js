// expect: COMPLETED
// expect-output: ["sync","microtask","promise","timer"]
export default async function () {
  const order = [];
  setTimeout(() => order.push('timer'), 0);
  queueMicrotask(() => order.push('microtask'));
  Promise.resolve().then(() => order.push('promise'));
  order.push('sync');
  await new Promise((resolve) => setTimeout(resolve, 5));
  return order;
}
