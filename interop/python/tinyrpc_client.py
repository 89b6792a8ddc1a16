"""tinyrpc's own client: `RPCClient` with `JSONRPCProtocol` over `HttpPostClientTransport`.

The transport posts the serialized bytes with `requests.post(data=...)` and sets no
Content-Type, which the server must accept. A response hook on the requests session records
every request tinyrpc really sent, so the cases can check headers and how many HTTP requests a
"batch" took.
"""

import json

import requests
from tinyrpc.client import RPCCall, RPCClient
from tinyrpc.exc import InvalidReplyError
from tinyrpc.protocols.jsonrpc import JSONRPCErrorResponse, JSONRPCProtocol
from tinyrpc.transports.http import HttpPostClientTransport

from harness import (
    GET_ALL_PROJECTS,
    GET_PROJECT,
    GET_TICKET,
    KEY,
    MISSING_TICKET,
    NOT_FOUND,
    OWN_TICKET,
    PATCH_TICKET,
    STATUS_WAITING,
    UNAUTHORIZED,
    URL,
    Reporter,
    expect,
    expect_ticket9,
    fresh_headline,
    patch_params,
)

CLIENT = "python-tinyrpc"
report = Reporter(CLIENT)
sent = []  # every requests.PreparedRequest tinyrpc sent, with its HTTP response


def make_client(key=KEY):
    session = requests.Session()
    session.headers["x-api-key"] = key
    session.hooks["response"].append(lambda r, *args, **kwargs: sent.append(r))
    transport = HttpPostClientTransport(URL, post_method=session.post, timeout=10)
    return RPCClient(JSONRPCProtocol(), transport)


client = make_client()
tickets = client.get_proxy(prefix="leantime.rpc.tickets.")


def no_content_type():
    sent.clear()
    expect_ticket9(client.call(GET_TICKET, [], {"id": 9}))
    expect(len(sent) == 1, f"{len(sent)} HTTP requests for one call")
    request = sent[0].request
    expect("Content-Type" not in request.headers, f"sent {request.headers!r}")
    expect(sent[0].status_code == 200, f"HTTP {sent[0].status_code}")
    report.note(
        "no-content-type",
        "really sends no Content-Type (headers: "
        + ", ".join(sorted(k for k in request.headers if k.lower() != "x-api-key"))
        + f"), and the server answered 200; ids are ints from 1, body {request.body[:60]!r}...",
    )


def named_call():
    expect_ticket9(client.call(GET_TICKET, [], {"id": 9}))


def positional_call():
    sent.clear()
    expect_ticket9(tickets.getTicket(9))
    body = json.loads(sent[0].request.body)
    expect(body["params"] == [9], f"sent {body!r}")


def no_params():
    sent.clear()
    projects = client.call(GET_ALL_PROJECTS, [], {})
    expect([p["id"] for p in projects] == [1], f"got {projects!r}")
    body = json.loads(sent[0].request.body)
    expect("params" not in body, f"sent {body!r}")
    report.note("no-params", "empty args and kwargs send no params member")


def notify():
    headline = fresh_headline(CLIENT)
    sent.clear()
    result = client.call(PATCH_TICKET, [], patch_params(headline=headline), one_way=True)
    expect(result is None, f"one_way call returned {result!r}")
    body = json.loads(sent[0].request.body)
    expect("id" not in body, f"one_way sent an id: {body!r}")
    expect(sent[0].status_code == 200 and sent[0].content == b"", "notification was answered")
    ticket = client.call(GET_TICKET, [OWN_TICKET], None)
    expect(ticket["headline"] == headline, f"notification not applied: {ticket['headline']!r}")


def batch():
    # RPCClient.call_all is not a JSON-RPC batch: without gevent it sends one HTTP request per
    # call, one after the other. batch_call ("experimental") sends a real batch.
    sent.clear()
    answers = client.call_all(
        [RPCCall(GET_TICKET, [], {"id": 9}), RPCCall(GET_TICKET, [9], None)]
    )
    expect(len(sent) == 2, f"call_all took {len(sent)} HTTP requests")
    for answer in answers:
        expect_ticket9(answer.result)
    report.note("batch", "call_all sends one HTTP request per call; batch_call sends a real batch")

    headline = fresh_headline(CLIENT)
    sent.clear()
    answers = client.batch_call(
        [
            (GET_TICKET, [], {"id": 9}, False),
            (GET_TICKET, [9], None, False),
            (PATCH_TICKET, [], patch_params(headline=headline), True),
            (GET_PROJECT, [], {"id": 1}, False),
            (GET_TICKET, [], {"id": MISSING_TICKET}, False),
        ]
    )
    expect(len(sent) == 1, f"batch_call took {len(sent)} HTTP requests")
    expect(len(answers) == 4, f"{len(answers)} answers to 4 calls and a notification")
    ids = [a.unique_id for a in answers]
    expect(len(set(ids)) == 4, f"answer ids {ids}")
    expect_ticket9(answers[0].result)
    expect_ticket9(answers[1].result)
    expect(answers[2].result["id"] == 1, "getProject answered another project")
    missing = answers[3]
    expect(isinstance(missing, JSONRPCErrorResponse), f"got {missing!r}")
    expect(missing._jsonrpc_error_code == NOT_FOUND, f"code {missing._jsonrpc_error_code}")
    ticket = client.call(GET_TICKET, [OWN_TICKET], None)
    expect(ticket["headline"] == headline, "the notification inside the batch did not run")


def notification_only_batch():
    headline = fresh_headline(CLIENT)
    sent.clear()
    try:
        client.batch_call(
            [
                # A string, as Leantime's PHP forms send every field.
                (PATCH_TICKET, [], patch_params(status=str(STATUS_WAITING)), True),
                (PATCH_TICKET, [], patch_params(headline=headline), True),
            ]
        )
    except InvalidReplyError as error:
        report.note(
            "notification-only-batch",
            "batch_call always parses a reply: the spec's empty answer raises "
            f"InvalidReplyError({error})",
        )
    else:
        raise AssertionError("batch_call accepted an empty answer")
    expect(sent[0].status_code == 200 and sent[0].content == b"", "the batch was answered")
    ticket = client.call(GET_TICKET, [OWN_TICKET], None)
    expect(
        ticket["headline"] == headline
        and ticket["status"] == STATUS_WAITING
        and ticket["statusLabel"] == "Waiting for Approval",
        f"got {ticket!r}",
    )


def error_shape():
    try:
        client.call(GET_TICKET, [], {"id": MISSING_TICKET})
    except Exception as error:  # noqa: BLE001 - the type is what this case records
        code = getattr(error, "_jsonrpc_error_code", None)
        expect(code == NOT_FOUND, f"{type(error).__name__}: {error} (code {code})")
        report.note("error", f"raises {type(error).__name__}({error}) with code {code}")
    else:
        raise AssertionError("no error for a missing ticket")


def unauthorized():
    bad = make_client("lt_notakey_000000000000000000000000")
    sent.clear()
    try:
        bad.call(GET_TICKET, [], {"id": 9})
    except Exception as error:  # noqa: BLE001 - the type is what this case records
        code = getattr(error, "_jsonrpc_error_code", None)
        expect(code == UNAUTHORIZED, f"{type(error).__name__}: {error} (code {code})")
        expect(sent[0].status_code == 401, f"HTTP {sent[0].status_code}")
        report.note(
            "unauthorized",
            f"ignores the HTTP status (401) and raises the body's error: "
            f"{type(error).__name__}({error}) code {code}",
        )
    else:
        raise AssertionError("a bad key was accepted")


report.run("no-content-type", no_content_type)
report.run("named-call", named_call)
report.run("positional-call", positional_call)
report.run("no-params", no_params)
report.run("notification", notify)
report.run("batch", batch)
report.run("notification-only-batch", notification_only_batch)
report.run("error", error_shape)
report.run("unauthorized", unauthorized)
report.exit()
