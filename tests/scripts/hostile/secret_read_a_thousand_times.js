// expect: COMPLETED
// expect-output: {"reads":1000,"length":65536}
// limits: {"max_api_calls": 1000, "max_api_calls_per_minute": 1000}
// secrets: {"BIG": ["k3y-Z9q!", 8192]}
// expect-absent: ["k3y-Z9q!k3y"]
// The host keeps each distinct value a run read once: a thousand reads of a
// 64 KiB secret once kept a thousand copies and their encoded forms (1.35 GB).
export default async () => {
  let value;
  for (let i = 0; i < 1000; i++) value = await sdk.secrets.get('BIG');
  console.log(value);
  return { reads: 1000, length: value.length };
};
