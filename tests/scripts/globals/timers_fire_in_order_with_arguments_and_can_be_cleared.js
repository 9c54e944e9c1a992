// expect: COMPLETED
// expect-output: ["first","args"]
export default async function () {
  const events = [];
  const cancelled = setTimeout(() => events.push('cancelled'), 5);
  setTimeout((a, b) => events.push(a + b), 10, 'ar', 'gs');
  setTimeout(() => events.push('first'), 1);
  clearTimeout(cancelled);
  await new Promise((resolve) => setTimeout(resolve, 30));
  return events;
}
