// A first script: jsruntime calls the default export with the input and the
// execution's context, and records what it returns and logs.
// Run it with an input (`--input '{"name":"Ada"}'`) or without one.
export default async function (input, context) {
  const name = input?.name ?? "world";
  console.log(`hello, ${name}`, { execution: context.executionId });
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { greeting: `Hello, ${name}!`, at: new Date().toISOString().slice(0, 10) };
}
