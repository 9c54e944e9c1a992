// expect: RUNTIME_ERROR
// expect-message: Error: in timer
// expect-line: 5
export default async function () {
  setTimeout(() => { throw new Error('in timer'); }, 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
