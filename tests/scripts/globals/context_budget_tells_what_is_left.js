// expect: COMPLETED
// expect-output: [true,true,true,100,true,true]
// limits: {"max_execution_time_ms": 5000}
// context.budget: the time and memory left, and the SDK calls left; frozen with the rest of context.
export default () => {
  const budget = context.budget;
  const timeLeft = budget.remainingMs();
  const memoryLeft = budget.memoryBytes();
  const kept = new Array(2000000).fill(1.5);
  const end = Date.now() + 20;
  while (Date.now() < end) {}
  return [
    timeLeft > 4000 && timeLeft <= 5000 && budget.remainingMs() < timeLeft,
    memoryLeft > 0 && memoryLeft <= 64 * 1024 * 1024,
    budget.memoryBytes() < memoryLeft - 8000000 && kept.length > 0,
    budget.apiCallsLeft(),
    Object.isFrozen(budget),
    Reflect.set(budget, 'remainingMs', () => 1e9) === false,
  ];
};
