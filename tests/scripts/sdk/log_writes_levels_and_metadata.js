// expect: COMPLETED
// expect-output: ["RangeError","TypeError","TypeError",null]
// expect-logs: [{"level":"debug","message":"starting"},{"level":"info","message":"order 7 paid","metadata":{"order":7,"items":[1,2]}},{"level":"warn","message":"slow","metadata":{"ms":1500}},{"level":"error","message":"42"}]
// sdk.log writes a line with its level and a metadata object, at once; bad metadata is refused, the line not written.
export default () => {
  sdk.log.debug('starting');
  sdk.log.info('order 7 paid', { order: 7, items: [1, 2] });
  sdk.log.warn('slow', { ms: 1500 });
  const refused = [];
  for (const metadata of [{ big: 'x'.repeat(20000) }, 'not an object', { loop: 1n }]) {
    try { sdk.log.info('refused', metadata); } catch (e) { refused.push(e.name); }
  }
  const returned = sdk.log.error(42);
  refused.push(returned ?? null);
  return refused;
};
