"""What the Python interop clients share: the settings run.sh passes and the PASS/FAIL lines.

run.sh passes the server's URL, an API key, the ticket this client may change (its notification
target) and what ticket 9 holds. Each case prints `PASS <client> <case>` or
`FAIL <client> <case>: why`; `NOTE <client> <case>: ...` lines record what the client did on the
wire. The process exits non-zero when any case failed.
"""

import os
import sys
import traceback
import uuid

URL = os.environ["LEANRPC_URL"]
KEY = os.environ["LEANRPC_KEY"]
OWN_TICKET = int(os.environ["LEANRPC_TICKET"])
TICKET9_HEADLINE = os.environ["LEANRPC_TICKET9_HEADLINE"]
MISSING_TICKET = 999_999

GET_TICKET = "leantime.rpc.tickets.getTicket"
UPDATE_TICKET = "leantime.rpc.tickets.updateTicket"
PATCH_TICKET = "leantime.rpc.tickets.patch"
GET_PROJECT = "leantime.rpc.projects.getProject"
GET_ALL_PROJECTS = "leantime.rpc.projects.getAll"

# Leantime's status ids: 3 new, 1 blocked, 4 in progress, 2 waiting, 0 done, -1 archived.
STATUS_NEW = 3
STATUS_BLOCKED = 1
STATUS_WAITING = 2

NOT_FOUND = -32002
UNAUTHORIZED = -32001


class Check(Exception):
    """A failed expectation."""


def expect(condition, message):
    if not condition:
        raise Check(message)


def expect_ticket9(ticket):
    expect(isinstance(ticket, dict), f"ticket 9 is not an object: {ticket!r}")
    expect(ticket.get("id") == 9, f"ticket 9 has id {ticket.get('id')!r}")
    expect(ticket.get("projectId") == 1, f"ticket 9 has projectId {ticket.get('projectId')!r}")
    expect(
        ticket.get("headline") == TICKET9_HEADLINE,
        f"ticket 9 has headline {ticket.get('headline')!r}",
    )
    expect(ticket.get("status") == STATUS_NEW, f"ticket 9 has status {ticket.get('status')!r}")
    expect(
        ticket.get("statusLabel") == "New",
        f"ticket 9 has statusLabel {ticket.get('statusLabel')!r}",
    )


def update_values(**fields):
    """The params of `tickets.updateTicket` changing `fields` of this client's own ticket:
    Leantime's `{values: {id, ...}}`."""
    return {"values": {"id": OWN_TICKET, **fields}}


def patch_params(**fields):
    """The params of `tickets.patch` changing `fields` of this client's own ticket: Leantime's
    `{id, params: {...}}`."""
    return {"id": OWN_TICKET, "params": fields}


def fresh_headline(client):
    """A headline nobody else writes, so a verified change is this client's own; its non-ASCII
    tail checks that the client's encoding (Python's json escapes it as \\u00e9 and a surrogate
    pair) reaches the database intact."""
    return f"{client} notified {uuid.uuid4().hex[:8]} \u00e9\u2713\U0001f600"


class Reporter:
    def __init__(self, client):
        self.client = client
        self.failed = 0

    def note(self, case, text):
        print(f"NOTE {self.client} {case}: {text}", flush=True)

    def run(self, case, fn):
        try:
            fn()
        except Exception as error:  # noqa: BLE001 - every failure is reported, none escapes
            self.failed += 1
            where = traceback.extract_tb(error.__traceback__)[-1]
            print(
                f"FAIL {self.client} {case}: {type(error).__name__}: {error} "
                f"(line {where.lineno})",
                flush=True,
            )
        else:
            print(f"PASS {self.client} {case}", flush=True)

    def exit(self):
        sys.exit(1 if self.failed else 0)
