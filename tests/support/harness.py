"""What the Python test drivers (tests/deploy, tests/chaos) share: waiting for
a condition instead of sleeping, a small HTTP client, and starting the real
`jsruntime serve` as an operator would."""
import json
import subprocess
import time
import urllib.error
import urllib.request


class Failed(Exception):
    """An expectation of the test did not hold."""


def expect(condition, message):
    if not condition:
        raise Failed(message)


def eventually(check, seconds, what, every=0.05):
    """What `check()` returns once it is truthy; Failed after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        seen = check()
        if seen:
            return seen
        if time.monotonic() > deadline:
            raise Failed(f"{what}: not within {seconds} s")
        time.sleep(every)


def http(method, url, token=None, body=None, timeout=10):
    """(status, body text); status 0 with the reason when nothing answered."""
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return 0, str(error)


def start_server(binary, flags, stderr):
    """Starts `binary serve` on a free loopback port with `flags`; returns the
    process, the first admin token it printed (None on a database with
    tenants) and its base URL. Failed when it does not say it listens."""
    process = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--drain-seconds", "2", *flags],
                               stdout=subprocess.PIPE, stderr=stderr, text=True)
    token = None
    for _ in range(5):
        line = process.stdout.readline()
        if not line:
            break
        parsed = json.loads(line)
        token = parsed.get("token", token)
        if parsed.get("msg") == "listening":
            return process, token, parsed["address"]
    process.kill()
    process.wait()
    raise Failed("jsruntime serve did not start")


def stop(process, seconds=30):
    """SIGTERM, then SIGKILL if it has not ended within `seconds`."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
