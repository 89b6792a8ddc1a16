"""Known calls against the tickets server, then its /metrics read with prometheus_client's
text-format parser, and every count checked against what was sent.

Settings come from run.sh: LEANRPC_URL, LEANRPC_METRICS_URL, LEANRPC_OWNER_KEY,
LEANRPC_READONLY_KEY, LEANRPC_SPARE_KEY, LEANRPC_RATE_LIMIT.
"""

import base64
import json
import math
import os
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

URL = os.environ["LEANRPC_URL"]
METRICS_URL = os.environ["LEANRPC_METRICS_URL"]
OWNER = os.environ["LEANRPC_OWNER_KEY"]
READONLY = os.environ["LEANRPC_READONLY_KEY"]
SPARE = os.environ["LEANRPC_SPARE_KEY"]
RATE_LIMIT = int(os.environ["LEANRPC_RATE_LIMIT"])

NS = "leantime.rpc."
DURATION = "rpc_server_call_duration_seconds"
HOSTILE = 200

results = []


def report(case, ok, why=""):
    results.append(bool(ok))
    print(f"PASS metrics {case}" if ok else f"FAIL metrics {case}: {why}", flush=True)


def post(body, key=OWNER):
    data = json.dumps(body).encode()
    request = urllib.request.Request(URL, data=data, method="POST")
    request.add_header("content-type", "application/json")
    if key is not None:
        request.add_header("x-api-key", key)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text else None


def call(method, params, key=OWNER, id_=1):
    return {"jsonrpc": "2.0", "method": method, "params": params, "id": id_}


def scrape():
    """The scrape as {(sample name, frozenset(labels)): value}, parsed by prometheus_client."""
    with urllib.request.urlopen(METRICS_URL, timeout=10) as response:
        kind = response.headers.get("content-type", "")
        text = response.read().decode()
    samples = {}
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return kind, families, samples


def total(samples, name, **labels):
    want = set(labels.items())
    return sum(v for (n, l), v in samples.items() if n == name and want <= set(l))


def main():
    status, answer = post(call("rpc.discover", []))
    mounted = {m["name"] for m in answer["result"]["methods"]}
    _, _, before = scrape()

    def delta(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    # Good calls, failing calls, forbidden calls.
    for _ in range(5):
        status, answer = post(call(NS + "projects.getAll", {}))
        assert status == 200 and "result" in answer, answer
    for _ in range(3):
        status, answer = post(call(NS + "tickets.getTicket", {"id": 999999}))
        assert answer["error"]["code"] == -32002, answer
    for _ in range(2):
        status, answer = post(call(NS + "projects.addProject", {"values": {"name": "x"}}), key=READONLY)
        assert answer["error"]["code"] == -32001, answer
    # A batch: two calls, a notification, an unknown name.
    status, answer = post([
        call(NS + "projects.getAll", {}, id_=1),
        call(NS + "Projects.GETALL", {}, id_=2),
        {"jsonrpc": "2.0", "method": NS + "projects.getAll", "params": {}},
        call(NS + "nope.nothing", {}, id_=3),
    ])
    assert status == 200 and len(answer) == 3, answer
    # Hostile method names, all different, in one batch.
    hostile = [call(f"hostile.{i}.{'x' * (i % 97)}\u00e9\U0001f600", [], id_=i) for i in range(HOSTILE)]
    status, answer = post(hostile)
    assert status == 200 and all(a["error"]["code"] == -32601 for a in answer), answer
    # A GET call.
    params = base64.b64encode(b"{}").decode()
    query = f"?method={NS}projects.getAll&jsonrpc=2.0&id=1&params={params}"
    request = urllib.request.Request(URL + query, headers={"x-api-key": OWNER})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert "result" in json.loads(response.read())
    # Refused keys: two without one, one unknown.
    for key in (None, None, "lt_AAAAAAAAAAAA_" + "b" * 43):
        status, _ = post(call(NS + "projects.getAll", {}), key=key)
        assert status == 401, status
    # A batch over the rate limit, from a key that made no call yet.
    over = [call(NS + "projects.getAll", {}, id_=i) for i in range(RATE_LIMIT + 1)]
    status, _ = post(over, key=SPARE)
    assert status == 429, status

    global after
    kind, families, after = scrape()

    report("content type", kind.startswith("text/plain"), kind)
    report("kinds", families.get(DURATION) == "histogram"
           and families.get("rpc_server_batch_size") == "histogram"
           and families.get("rpc_server_calls_in_flight") == "gauge"
           and families.get("leanrpc_auth_failures") == "counter"
           and families.get("leanrpc_rate_limited_calls") == "counter", str(families))
    count = DURATION + "_count"
    checks = [
        ("getAll OK", delta(count, rpc_method=NS + "projects.getAll", rpc_response_status_code="OK"), 5 + 3 + 1),
        ("getTicket -32002", delta(count, rpc_method=NS + "tickets.getTicket", rpc_response_status_code="-32002"), 3),
        ("addProject -32001", delta(count, rpc_method=NS + "projects.addProject", rpc_response_status_code="-32001"), 2),
        ("unknown and hostile names as _OTHER -32601", delta(count, rpc_method="_OTHER", rpc_response_status_code="-32601"), 1 + HOSTILE),
        # The batch refused by the rate limit never runs, so its size is not counted.
        ("batch count", delta("rpc_server_batch_size_count"), 2),
        ("batch sizes", delta("rpc_server_batch_size_sum"), 4 + HOSTILE),
        ("auth failures: missing", delta("leanrpc_auth_failures_total", reason="missing"), 2),
        ("auth failures: all", delta("leanrpc_auth_failures_total"), 3),
        ("rate-limited calls", delta("leanrpc_rate_limited_calls_total"), RATE_LIMIT + 1),
        ("in flight", total(after, "rpc_server_calls_in_flight"), 0),
    ]
    for case, got, want in checks:
        report(case, got == want, f"expected {want}, got {got}")

    labels = {dict(l).get("rpc_method") for (n, l) in after if n == count}
    allowed = mounted | {"rpc.discover", "_OTHER"}
    report("method labels are mounted names or _OTHER", labels <= allowed, str(labels - allowed))
    report("no hostile name became a label", not any("hostile" in (l or "") for l in labels), str(labels))
    report("labels stay few", len(labels) <= len(allowed), f"{len(labels)} labels")

    # Every histogram series: buckets never decrease and +Inf equals the count.
    bad = []
    series = {}
    for (name, l), value in after.items():
        if name == DURATION + "_bucket":
            labels_ = dict(l)
            le = labels_.pop("le")
            series.setdefault(frozenset(labels_.items()), []).append((float(le), value))
    for key, buckets in series.items():
        buckets.sort()
        values = [v for _, v in buckets]
        if values != sorted(values) or not math.isinf(buckets[-1][0]) or buckets[-1][1] != after.get((count, key)):
            bad.append(dict(key))
    report("histograms are well formed", not bad and series, str(bad))


try:
    main()
except Exception as error:  # noqa: BLE001 - any failure is a failed case
    report("run", False, repr(error))

passed = sum(results)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not results else 0)
