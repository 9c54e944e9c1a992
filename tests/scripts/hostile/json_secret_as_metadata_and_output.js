// expect: COMPLETED
// expect-output: {"config":"[secret]","inline":"in [secret] text"}
// expect-logs: [{"level":"info","message":"config","metadata":{"config":"[secret]"}}]
// secrets: {"CONFIG": "{\"user\":\"svc\",\"password\":\"hunter2hunter2\"}"}
// expect-absent: ["hunter2"]
// A secret that is JSON, logged as metadata and returned: the record stays
// JSON (once stored as a placeholder that was not, which wedged the API for
// every tenant), with the secret's value replaced.
export default async () => {
  const config = JSON.parse(await sdk.secrets.get('CONFIG'));
  sdk.log.info('config', { config });
  return { config, inline: 'in ' + JSON.stringify(config) + ' text' };
};
