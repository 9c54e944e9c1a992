#!/usr/bin/env python3
"""The monitoring a deployment gets (deploy/) works against a real server:
every metric the Grafana dashboard and the alert rules query is one the
server exports, and a real Prometheus scrapes the server, loads the rules
and reads a metric back with the value the server reported.

usage: monitoring_test.py JSRUNTIME_BINARY DEPLOY_DIR
"""
import json
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.parse

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from harness import Failed, eventually, expect, http, start_server, stop  # noqa: E402

BINARY, DEPLOY = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"

METRIC = re.compile(r"\bjsruntime_[a-z_]+")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def metric_names(exposition):
    names = set()
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


def queried_names(expressions):
    # A histogram is queried by its series' names (`..._bucket`), as it is exported.
    return {name for expression in expressions for name in METRIC.findall(expression)}


def dashboard_expressions():
    dashboard = json.loads((DEPLOY / "grafana" / "jsruntime.json").read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    expect(expressions, "the dashboard has no queries")
    return expressions


def alert_expressions():
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def exercise(base, token):
    """Makes the server export every kind of metric: runs, an HTTP request, events, a cron slot."""
    def create(fields):
        status, body = http("POST", base + "/api/v1/scripts", token, {"status": "active", **fields})
        if status != 201:
            raise Failed(f"creating a script: {status} {body}")
        return json.loads(body)["id"]

    oneoff = create({"name": "Once", "type": "oneoff", "source": "export default () => 1"})
    create({"name": "On ping", "type": "event", "event_types": ["test.ping"], "source": "export default () => 1"})
    create({"name": "Every second", "type": "scheduled", "cron_expression": "* * * * * *",
            "source": "export default () => 1"})
    status, body = http("POST", f"{base}/api/v1/scripts/{oneoff}/executions", token, {"wait": True})
    expect(status == 200, f"running a script: {status} {body}")
    status, body = http("POST", base + "/api/v1/events", token, {"type": "test.ping", "payload": {}})
    expect(status == 202, f"publishing an event: {status} {body}")


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="jsruntime-monitoring-"))
    server = prometheus = None
    try:
        server, token, base = start_server(BINARY, ["--data-dir", str(work / "data")], subprocess.DEVNULL)
        exercise(base, token)

        wanted = queried_names(dashboard_expressions()) | queried_names(alert_expressions())
        expect(len(alert_expressions()) == 8, f"expected the 8 alert expressions, read {len(alert_expressions())}")

        def exported():
            status, text = http("GET", base + "/metrics")
            return status == 200 and wanted <= metric_names(text) and text

        exposition = eventually(exported, 20, "the server exporting " + ", ".join(sorted(wanted)))

        port = free_port()
        target = urllib.parse.urlparse(base).netloc
        config = work / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            f"rule_files:\n  - {DEPLOY / 'prometheus' / 'alerts.yml'}\n"
            "scrape_configs:\n  - job_name: jsruntime\n    static_configs:\n"
            f"      - targets: ['{target}']\n")
        prometheus = subprocess.Popen(
            [PROMETHEUS, "--config.file", str(config), "--storage.tsdb.path", str(work / "tsdb"),
             "--web.listen-address", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=open(work / "prometheus.log", "w"))
        prom = f"http://127.0.0.1:{port}"

        def scraped():
            query = urllib.parse.quote('jsruntime_vms_max{job="jsruntime"}')
            status, body = http("GET", f"{prom}/api/v1/query?query={query}")
            if status != 200:
                return None
            result = json.loads(body)["data"]["result"]
            return result[0]["value"][1] if result else None

        value = eventually(scraped, 60, "Prometheus reading jsruntime_vms_max back")
        _, text = http("GET", base + "/metrics")
        exported_value = re.search(r"^jsruntime_vms_max (\S+)$", text, re.M).group(1)
        expect(float(value) == float(exported_value), f"Prometheus read {value}, the server exports {exported_value}")

        def rules_loaded():
            status, body = http("GET", f"{prom}/api/v1/rules")
            if status != 200:
                return None
            rules = [rule for group in json.loads(body)["data"]["groups"] for rule in group["rules"]]
            return rules if len(rules) == 8 and all(rule["health"] == "ok" for rule in rules) else None

        rules = eventually(rules_loaded, 30, "Prometheus evaluating the 8 alert rules without error")
        print(f"ok: {len(wanted)} queried metrics exported; jsruntime_vms_max = {value} read back; "
              f"{len(rules)} rules healthy")
    except Failed as failure:
        print("FAIL:", failure, file=sys.stderr)
        sys.exit(1)
    finally:
        stop(prometheus)
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


main()
