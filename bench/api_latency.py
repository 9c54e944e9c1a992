#!/usr/bin/env python3
"""API latency of a running `jsruntime serve`, from one keep-alive client.

usage: bench/api_latency.py BASE_URL TOKEN
Prints JSON lines: creating a script, and running w1 with "wait": true.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse


def main():
    base, token = sys.argv[1], sys.argv[2]
    url = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def call(method, path, body=None):
        start = time.perf_counter()
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return (time.perf_counter() - start) * 1000, response.status, payload

    def report(name, samples):
        samples.sort()
        print(json.dumps({"bench": name, "n": len(samples), "p50_ms": round(statistics.median(samples), 3),
                          "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 3)}))

    source = "export default function (input) { return { ok: true, n: input.n + 1 }; }"
    run_id = f"{int(time.time())}"
    creates = []
    for i in range(200):
        ms, status, payload = call("POST", "/api/v1/scripts",
                                   {"name": f"latency {run_id} {i}", "type": "oneoff", "source": source})
        assert status == 201, payload
        creates.append(ms)
        script = json.loads(payload)["id"]
    report("api_create_script", creates)

    runs = []
    for _ in range(1000):
        ms, status, payload = call("POST", f"/api/v1/scripts/{script}/executions", {"input": {"n": 41}})
        assert status == 200 and json.loads(payload)["output"]["n"] == 42, payload
        runs.append(ms)
    report("api_run_w1_wait", runs)


if __name__ == "__main__":
    main()
