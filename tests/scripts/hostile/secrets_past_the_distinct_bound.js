// expect: COMPLETED
// expect-output: {"read":32,"again":19,"refused":"API_LIMIT"}
// secrets: {"S00":"secret-value-00-xyz","S01":"secret-value-01-xyz","S02":"secret-value-02-xyz","S03":"secret-value-03-xyz","S04":"secret-value-04-xyz","S05":"secret-value-05-xyz","S06":"secret-value-06-xyz","S07":"secret-value-07-xyz","S08":"secret-value-08-xyz","S09":"secret-value-09-xyz","S10":"secret-value-10-xyz","S11":"secret-value-11-xyz","S12":"secret-value-12-xyz","S13":"secret-value-13-xyz","S14":"secret-value-14-xyz","S15":"secret-value-15-xyz","S16":"secret-value-16-xyz","S17":"secret-value-17-xyz","S18":"secret-value-18-xyz","S19":"secret-value-19-xyz","S20":"secret-value-20-xyz","S21":"secret-value-21-xyz","S22":"secret-value-22-xyz","S23":"secret-value-23-xyz","S24":"secret-value-24-xyz","S25":"secret-value-25-xyz","S26":"secret-value-26-xyz","S27":"secret-value-27-xyz","S28":"secret-value-28-xyz","S29":"secret-value-29-xyz","S30":"secret-value-30-xyz","S31":"secret-value-31-xyz","S32":"secret-value-32-xyz"}
// A run reads a bounded set of distinct secrets (what the host builds to scrub
// them grows with them); reading one it has again is free.
export default async () => {
  let read = 0;
  for (let i = 0; i < 32; i++) {
    if (await sdk.secrets.get('S' + String(i).padStart(2, '0'))) read++;
  }
  const again = await sdk.secrets.get('S00');
  let refused = 'allowed';
  try { await sdk.secrets.get('S32'); } catch (e) { refused = e.code; }
  return { read, again: again.length, refused };
};
