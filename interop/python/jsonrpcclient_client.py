"""jsonrpcclient builds the requests and parses the answers; requests sends them.

jsonrpcclient 4 has no transport of its own: `request()`/`notification()` return dicts and
`parse()` turns a decoded body into `Ok`/`Error` tuples, so batches are plain lists.
"""

import requests
from jsonrpcclient import Error, Ok, notification, parse, request, request_uuid

from harness import (
    GET_ALL_PROJECTS,
    GET_PROJECT,
    GET_TICKET,
    KEY,
    MISSING_TICKET,
    NOT_FOUND,
    OWN_TICKET,
    STATUS_BLOCKED,
    UNAUTHORIZED,
    UPDATE_TICKET,
    URL,
    Reporter,
    expect,
    expect_ticket9,
    fresh_headline,
    update_values,
)

CLIENT = "python-jsonrpcclient"
report = Reporter(CLIENT)
session = requests.Session()


def post(body, key=KEY):
    """POSTs a request built by jsonrpcclient the way its README shows: `requests.post(json=...)`."""
    return session.post(URL, json=body, headers={"x-api-key": key}, timeout=10)


def ok(response, req):
    """The answer to `req`, checked to be an `Ok` with the same id."""
    parsed = parse(response.json())
    expect(isinstance(parsed, Ok), f"expected Ok, got {parsed!r}")
    expect(parsed.id == req["id"], f"answer id {parsed.id!r} != request id {req['id']!r}")
    return parsed.result


def named_call():
    req = request(GET_TICKET, params={"id": 9})
    response = post(req)
    expect(response.status_code == 200, f"HTTP {response.status_code}")
    sent = response.request.headers.get("Content-Type")
    expect(sent == "application/json", f"requests sent Content-Type {sent!r}")
    expect_ticket9(ok(response, req))
    report.note(
        "named-call",
        f"requests sends Content-Type {sent!r}; jsonrpcclient ids are ints from 1 "
        f"(this one {req['id']!r})",
    )


def positional_call():
    req = request(GET_TICKET, params=(9,))
    expect(req["params"] == [9], f"tuple params became {req['params']!r}")
    expect_ticket9(ok(post(req), req))


def no_params():
    for params in (None, {}, ()):
        req = request(GET_ALL_PROJECTS, params=params)
        expect("params" not in req, f"params {params!r} became {req.get('params')!r}")
        projects = ok(post(req), req)
        expect([p["id"] for p in projects] == [1], f"got {projects!r}")
    report.note("no-params", "request() drops empty params ({} or ()): no params member is sent")


def uuid_id():
    req = request_uuid(GET_TICKET, params={"id": 9})
    expect(isinstance(req["id"], str), "request_uuid made a non-string id")
    expect_ticket9(ok(post(req), req))


def notify():
    headline = fresh_headline(CLIENT)
    note = notification(UPDATE_TICKET, params=update_values(headline=headline))
    expect("id" not in note, f"notification carries an id: {note!r}")
    response = post(note)
    expect(b"\\ud83d\\ude00" in response.request.body, "the emoji was not sent as a surrogate pair")
    expect(response.status_code == 200, f"HTTP {response.status_code}")
    expect(response.content == b"", f"a notification was answered: {response.content!r}")
    report.note(
        "notification",
        f"HTTP 200, empty body, Content-Type {response.headers.get('Content-Type')!r}; "
        "response.json() on it raises, so a caller must check the body before parsing",
    )
    req = request(GET_TICKET, params={"id": OWN_TICKET})
    ticket = ok(post(req), req)
    expect(ticket["headline"] == headline, f"notification not applied: {ticket['headline']!r}")


def batch():
    headline = fresh_headline(CLIENT)
    calls = [
        request(GET_TICKET, params={"id": 9}),
        request(GET_TICKET, params=(9,)),
        request(GET_PROJECT, params={"id": 1}),
        request(GET_TICKET, params={"id": MISSING_TICKET}),
    ]
    note = notification(UPDATE_TICKET, params=update_values(headline=headline))
    body = calls[:2] + [note] + calls[2:]
    response = post(body)
    expect(response.status_code == 200, f"HTTP {response.status_code}")
    answers = list(parse(response.json()))
    expect(len(answers) == 4, f"{len(answers)} answers to 4 calls and a notification")
    by_id = {a.id: a for a in answers}
    expect(sorted(by_id) == sorted(c["id"] for c in calls), f"answer ids {sorted(by_id)}")
    expect_ticket9(by_id[calls[0]["id"]].result)
    expect_ticket9(by_id[calls[1]["id"]].result)
    expect(by_id[calls[2]["id"]].result["id"] == 1, "getProject answered another project")
    missing = by_id[calls[3]["id"]]
    expect(isinstance(missing, Error) and missing.code == NOT_FOUND, f"got {missing!r}")
    expect([a.id for a in answers] == [c["id"] for c in calls], "answers out of request order")
    report.note(
        "batch",
        "jsonrpcclient has no batch call (nor any transport): a batch is a list of request()/"
        "notification() dicts posted with requests, and parse() maps the answers",
    )
    req = request(GET_TICKET, params={"id": OWN_TICKET})
    ticket = ok(post(req), req)
    expect(ticket["headline"] == headline, "the notification inside the batch did not run")


def notification_only_batch():
    headline = fresh_headline(CLIENT)
    body = [
        notification(UPDATE_TICKET, params=update_values(status=STATUS_BLOCKED)),
        notification(UPDATE_TICKET, params=update_values(headline=headline)),
    ]
    response = post(body)
    expect(response.status_code == 200, f"HTTP {response.status_code}")
    expect(response.content == b"", f"answered: {response.content!r}")
    req = request(GET_TICKET, params={"id": OWN_TICKET})
    ticket = ok(post(req), req)
    expect(
        ticket["headline"] == headline
        and ticket["status"] == STATUS_BLOCKED
        and ticket["statusLabel"] == "Blocked",
        f"got {ticket!r}",
    )


def error_shape():
    req = request(GET_TICKET, params={"id": MISSING_TICKET})
    response = post(req)
    expect(response.status_code == 200, f"HTTP {response.status_code}")
    parsed = parse(response.json())
    expect(isinstance(parsed, Error), f"expected Error, got {parsed!r}")
    expect(parsed.code == NOT_FOUND and parsed.id == req["id"], f"got {parsed!r}")
    report.note("error", repr(parsed))


def unauthorized():
    req = request(GET_TICKET, params={"id": 9})
    response = post(req, key="lt_notakey_000000000000000000000000")
    expect(response.status_code == 401, f"HTTP {response.status_code}")
    parsed = parse(response.json())
    expect(isinstance(parsed, Error) and parsed.code == UNAUTHORIZED, f"got {parsed!r}")
    expect(parsed.id == req["id"], f"401 answer has id {parsed.id!r}")
    report.note(
        "unauthorized",
        f"HTTP 401 with a JSON-RPC body that parse() reads as {parsed!r}; "
        "response.raise_for_status() would throw it away",
    )


report.run("named-call", named_call)
report.run("positional-call", positional_call)
report.run("notification", notify)
report.run("batch", batch)
report.run("notification-only-batch", notification_only_batch)
report.run("no-params", no_params)
report.run("uuid-id", uuid_id)
report.run("error", error_shape)
report.run("unauthorized", unauthorized)
report.exit()
