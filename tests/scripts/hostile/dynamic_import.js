// expect: RUNTIME_ERROR
export default async () => await import("data:text/javascript,export default 1");
