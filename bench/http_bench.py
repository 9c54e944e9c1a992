#!/usr/bin/env python3
"""make bench-http: jsruntime's request path against reference servers, in one go.

Runs `wrk -t2 -c32 -d10s --latency` against
  (a)  Node's bare http server answering a JSON hello (bench/reference/node_hello.js)
  (a') workerd serving the same hello as a Worker (bench/reference/workerd.capnp)
  (b)  jsruntime /healthz
  (c)  an http script's hello (a fresh module instance per request, every run recorded)
  (d)  POST .../invoke of an embedded script
  (e)  POST .../executions with "wait": true
on SQLite, then (c) on PostgreSQL, (c) spread over 200 tenants' public hooks,
and a tenant's hello while another tenant floods a script that runs until its
time limit. Prints one JSON line per target (req/s, p50, p99, ratio to (a))
and checks that every request of (c) has its execution record.

A line is a figure only when every answer it counted was a 2xx and no socket
failed: otherwise it is printed with "valid": false and no figures, and the
run exits 1. The servers' tenants get quotas the bench cannot spend, so that
what is measured is runs, not refusals.

usage: bench/http_bench.py [--duration SECONDS] [--binary build/jsruntime]
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = "export default () => ({ hello: 'world' })"
# More runs and records than a bench makes: a refusal measured would be no run at all.
UNSPENDABLE_QUOTAS = ["--default-executions-per-hour", "1000000000", "--default-records-mb", "1048576"]
invalid_lines = []
workerd_rps = None  # workerd's hello, once measured: the lines after it say their ratio to it
SPIN = "export default () => { for (;;) {} }"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Api:
    def __init__(self, base, token):
        self.base, self.token = base, token

    def call(self, method, path, body=None, headers=None, expect=(200, 201, 202, 204)):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Authorization", "Bearer " + self.token)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        if status not in expect:
            raise RuntimeError(f"{method} {path}: {status} {payload[:300]!r}")
        return json.loads(payload) if payload else None

    def create_script(self, fields, tenant=None):
        body = {"status": "active", **fields}
        return self.call("POST", "/api/v1/scripts", body, {"X-Tenant": tenant} if tenant else None)["id"]


class Jsruntime:
    """A `jsruntime serve` on a fresh data dir (SQLite) or a PostgreSQL URL."""

    def __init__(self, binary, workdir, database_url=None, flags=()):
        self.port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="jsruntime-bench-", dir=workdir)
        command = [binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data-dir", self.data_dir,
                   "--access-log", "off", *UNSPENDABLE_QUOTAS, *flags]
        if database_url:
            command += ["--database-url", database_url]
        self.log = open(os.path.join(self.data_dir, "server.log"), "w")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)
        token = None
        for line in self.process.stdout:
            message = json.loads(line)
            token = message.get("token", token)
            if message.get("msg") == "listening":
                break
        if token is None:
            raise RuntimeError("the server printed no admin token")
        self.base = f"http://127.0.0.1:{self.port}"
        self.api = Api(self.base, token)
        self.token = token

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


class Reference:
    def __init__(self, command, port, cwd=None):
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        wait_for_port(port, self.process)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def lua_file(workdir, name, text):
    path = os.path.join(workdir, name + ".lua")
    with open(path, "w") as file:
        file.write(text)
    return path


def post_script(workdir, name, body, token):
    return lua_file(workdir, name, f"""
wrk.method = "POST"
wrk.body = {json.dumps(json.dumps(body))}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
""")


def round_robin_script(workdir, name, paths):
    listed = ",\n".join(json.dumps(path) for path in paths)
    return lua_file(workdir, name, f"""
local paths = {{
{listed}
}}
local next_path = math.random(#paths)
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
""")


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url, duration, connections=32, threads=2, script=None, headers=()):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))),
        "p50_ms": round(to_ms(latency["50"]), 3),
        "p99_ms": round(to_ms(latency["99"]), 3),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def report(name, result, reference_rps=None, target=None, problem=None, **extra):
    if result["non_2xx"] or result["socket_errors"] or problem:
        # Not a figure: what was timed were (partly) refusals or failures.
        line = {"bench": name, "valid": False, "requests": result["requests"], "non_2xx": result["non_2xx"],
                "socket_errors": result["socket_errors"], **({"problem": problem} if problem else {})}
        invalid_lines.append(name)
        print(json.dumps(line), flush=True)
        return {**line, **{k: result[k] for k in ("rps", "p50_ms", "p99_ms")}}
    line = {"bench": name, "valid": True, **{k: result[k] for k in ("rps", "p50_ms", "p99_ms")}}
    if reference_rps:
        line["ratio_to_node"] = round(result["rps"] / reference_rps, 2)
    if reference_rps and workerd_rps and name != "http_workerd_hello":
        line["ratio_to_workerd"] = round(result["rps"] / workerd_rps, 2)
    line.update(extra)
    if target:
        line["target"] = target[0]
        line["met"] = bool(target[1](line))
    print(json.dumps(line), flush=True)
    return line


def records_of(api, script):
    return api.call("GET", f"/api/v1/scripts/{script}/executions?per_page=1")["total"]


def hello_script(api, path="/hello", auth="token", tenant=None):
    return api.create_script({"name": "hello " + path + (tenant or ""), "type": "http", "http_path": path,
                              "http_methods": ["GET"], "http_auth": auth, "source": HELLO,
                              "resource_limits": {"max_concurrent_runs": 1000}}, tenant)


def bench_script_hello(server, duration, node_rps, name, target):
    script = hello_script(server.api)
    result = wrk(server.base + "/api/scripts/hello", duration, headers=[f"Authorization: Bearer {server.token}"])
    recorded = records_of(server.api, script)
    # Requests wrk had sent when it stopped may still end: at most one per connection.
    all_recorded = result["requests"] <= recorded <= result["requests"] + 32
    # A run without its record is a failure the answers did not show.
    problem = None if all_recorded else f"{result['requests']} answers but {recorded} execution records"
    return report(name, result, node_rps, target, problem, records=recorded)


def bench_many_tenants(server, duration, node_rps, single_rps):
    paths = []
    for i in range(200):
        tenant = server.api.call("POST", "/api/v1/tenants", {"name": f"Bench Tenant {i:03d}"})
        hello_script(server.api, auth="none", tenant=tenant["slug"])
        paths.append(f"/hooks/{tenant['slug']}/hello")
    # Each tenant's first run builds its VM and realm: measured apart, then the steady state.
    started = time.perf_counter()
    for path in paths:
        with urllib.request.urlopen(server.base + path) as response:
            response.read()
    first_runs_ms = (time.perf_counter() - started) * 1000 / len(paths)
    script = round_robin_script(server.data_dir, "tenants", paths)
    result = wrk(server.base, duration, script=script)
    return report("http_script_hello_200_tenants", result, node_rps,
                  ("rps >= 0.5x single tenant, p99 <= 10 ms",
                   lambda line: line["rps"] >= 0.5 * single_rps and line["p99_ms"] <= 10),
                  ratio_to_single_tenant=round(result["rps"] / single_rps, 2),
                  first_run_per_tenant_ms=round(first_runs_ms, 2))


def bench_noisy_neighbour(server, duration):
    quiet = server.api.call("POST", "/api/v1/tenants", {"name": "Quiet Neighbour"})["slug"]
    noisy = server.api.call("POST", "/api/v1/tenants", {"name": "Noisy Neighbour"})["slug"]
    hello_script(server.api, "/quiet", "none", quiet)
    server.api.create_script({"name": "spin", "type": "http", "http_path": "/spin", "http_methods": ["GET"],
                              "http_auth": "none", "source": SPIN,
                              "resource_limits": {"max_execution_time_ms": 1000, "max_concurrent_runs": 1000}},
                             noisy)
    quiet_url = f"{server.base}/hooks/{quiet}/quiet"
    # A quiet tenant: a few clients, never more runs than its VMs take (it piles up nothing).
    alone = wrk(quiet_url, duration, connections=4)
    flood = subprocess.Popen(["wrk", "-t1", "-c64", f"-d{duration + 4}s", "--timeout", "10s",
                              f"{server.base}/hooks/{noisy}/spin"], stdout=subprocess.DEVNULL)
    time.sleep(2)
    beside = wrk(quiet_url, duration, connections=4)
    flood.wait()
    # The figure compares two measurements: both must be clean (the flood's own answers are its 500s).
    problem = None
    if alone["non_2xx"] or alone["socket_errors"]:
        problem = f"alone: {alone['non_2xx']} non-2xx answers, {alone['socket_errors']} socket errors"
    return report("noisy_neighbour_quiet_hello", beside, None,
                  ("p99 beside the flood <= 2x p99 alone", lambda line: line["p99_ms"] <= 2 * line["p99_alone_ms"]),
                  problem, p99_alone_ms=alone["p99_ms"], rps_alone=alone["rps"])


def start_postgres():
    # Its own directory: the server runs as the postgres user, who cannot enter the bench's.
    directory = tempfile.mkdtemp(prefix="jsruntime-bench-postgres-")
    os.chmod(directory, 0o755)
    directory = os.path.join(directory, "server")
    subprocess.run([os.path.join(ROOT, "tests/support/postgres_server.sh"), "start", directory], check=True)
    with open(os.path.join(directory, "url")) as file:
        admin_url = file.read().strip()
    psql = ["/usr/lib/postgresql/15/bin/psql", admin_url + "/postgres", "-q", "-c", "CREATE DATABASE bench OWNER jsruntime"]
    subprocess.run(psql, check=True)
    return directory, admin_url.replace("postgres@", "jsruntime@") + "/bench"


def main():
    global workerd_rps
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build/jsruntime"))
    args = parser.parse_args()
    duration = args.duration
    workdir = tempfile.mkdtemp(prefix="jsruntime-bench-http-")
    running = []
    try:
        node_port = free_port()
        running.append(Reference(["node", os.path.join(ROOT, "bench/reference/node_hello.js"), str(node_port)],
                                 node_port))
        node = report("http_node_hello", wrk(f"http://127.0.0.1:{node_port}/", duration))
        running.pop().stop()
        node_rps = node["rps"]

        workerd = os.path.join(ROOT, "bench/node_modules/.bin/workerd")
        if os.path.exists(workerd):
            workerd_port = free_port()
            running.append(Reference([workerd, "serve", "workerd.capnp", "--socket-addr",
                                      f"http=127.0.0.1:{workerd_port}"], workerd_port,
                                     cwd=os.path.join(ROOT, "bench/reference")))
            workerd_rps = report("http_workerd_hello", wrk(f"http://127.0.0.1:{workerd_port}/", duration),
                                 node_rps)["rps"]
            running.pop().stop()
        else:
            print(json.dumps({"bench": "http_workerd_hello", "skipped": "run npm ci in bench/"}), flush=True)

        server = Jsruntime(args.binary, workdir)
        running.append(server)
        report("http_healthz", wrk(server.base + "/healthz", duration), node_rps,
               ("ratio >= 2.0", lambda line: line["ratio_to_node"] >= 2.0))
        single = bench_script_hello(server, duration, node_rps, "http_script_hello_sqlite",
                                    (">= 2.0x workerd, >= 1.0x node, p99 <= 5 ms",
                                     lambda line: line.get("ratio_to_workerd", 0) >= 2.0
                                     and line["ratio_to_node"] >= 1.0 and line["p99_ms"] <= 5))
        embedded = server.api.create_script({"name": "pricing rule", "type": "embedded",
                                             "source": "export default (order) => ({ total: order.n * 2 })",
                                             "resource_limits": {"max_concurrent_runs": 1000}})
        body = {"input": {"n": 21}}
        report("http_invoke", wrk(f"{server.base}/api/v1/scripts/{embedded}/invoke", duration,
                                  script=post_script(workdir, "invoke", body, server.token)), node_rps,
               ("ratio >= 1.0", lambda line: line["ratio_to_node"] >= 1.0))
        report("http_run_wait", wrk(f"{server.base}/api/v1/scripts/{embedded}/executions", duration,
                                    script=post_script(workdir, "run", {**body, "wait": True}, server.token)),
               node_rps, ("ratio >= 1.0", lambda line: line["ratio_to_node"] >= 1.0))
        bench_many_tenants(server, duration, node_rps, single["rps"])
        bench_noisy_neighbour(server, duration)
        running.pop().stop()

        postgres_dir, url = start_postgres()
        try:
            server = Jsruntime(args.binary, workdir, url)
            running.append(server)
            bench_script_hello(server, duration, node_rps, "http_script_hello_postgres",
                               (">= 1.5x workerd", lambda line: line.get("ratio_to_workerd", 0) >= 1.5))
            running.pop().stop()
        finally:
            subprocess.run([os.path.join(ROOT, "tests/support/postgres_server.sh"), "stop", postgres_dir])
            shutil.rmtree(os.path.dirname(postgres_dir), ignore_errors=True)
    finally:
        for process in reversed(running):
            process.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if invalid_lines:
        print(json.dumps({"bench": "summary", "valid": False, "invalid": invalid_lines}), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
