// A first script: jsruntime calls the default export with the input and the
// execution's context, and records what it returns and logs.
export default async function (input, context) {
  console.log(`hello, ${input.name}`, { execution: context.executionId });
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { greeting: `Hello, ${input.name}!`, at: new Date().toISOString().slice(0, 10) };
}
