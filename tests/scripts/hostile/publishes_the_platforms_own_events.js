// expect: COMPLETED
// expect-output: ["TypeError","TypeError","TypeError","stored"]
// script.deleted, execution.failed and the like are the platform's: a
// subscriber must be able to trust that the platform said so.
export default async () => {
  const outcomes = [];
  for (const type of ['script.deleted', 'execution.failed', 'jsruntime.anything', 'scripted.thing']) {
    try { await events.publish(type, { id: 'forged' }); outcomes.push('stored'); } catch (e) { outcomes.push(e.name); }
  }
  return outcomes;
};
