"""The official MCP Python SDK (`mcp` 2.3.0) against the tickets server's MCP endpoint.

Run by interop/mcp/run.sh. For each protocol revision the SDK speaks (2026-07-28 found with
`server/discover` and pinned, 2025-11-25 and 2025-06-18 through `initialize`) and for an owner
key and a readonly key limited to project 1, it lists the tools, calls getTicket and addTicket
(Leantime's `values` shape), a forbidden call and a call with bad arguments, and prints
`PASS|FAIL python <revision> <key> <case>` lines.

Environment: MCP_URL, MCP_OWNER_KEY, MCP_READONLY_KEY, MCP_TICKET (a ticket of project 1),
MCP_HEADLINE (its headline), MCP_FOREIGN_TICKET (a ticket of project 2).
"""

import asyncio
import json
import os
import sys
import traceback

import httpx2
import mcp.client.session as session_module
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

URL = os.environ["MCP_URL"]
KEYS = {"owner": os.environ["MCP_OWNER_KEY"], "readonly": os.environ["MCP_READONLY_KEY"]}
TICKET = int(os.environ["MCP_TICKET"])
HEADLINE = os.environ["MCP_HEADLINE"]
FOREIGN = int(os.environ["MCP_FOREIGN_TICKET"])

FAILED = 0


def report(ok, label, why=""):
    global FAILED
    if ok:
        print(f"PASS python {label}", flush=True)
    else:
        FAILED += 1
        print(f"FAIL python {label}: {why}", flush=True)


def check(label, condition, why):
    report(bool(condition), label, why)


def error_of(result):
    """The JSON-RPC error a failed tool call carries in its text content."""
    return json.loads(result.content[0].text)["error"]


# (label, Client mode, handshake version offered by initialize or None, expected version)
REVISIONS = [
    ("2026-07-28/discover", "auto", None, "2026-07-28"),
    ("2026-07-28/pinned", "2026-07-28", None, "2026-07-28"),
    ("2025-11-25", "legacy", None, "2025-11-25"),
    # The SDK offers its newest handshake revision; it speaks 2025-06-18 too when told to
    # offer that one (the module constant `initialize` reads).
    ("2025-06-18", "legacy", "2025-06-18", "2025-06-18"),
]


async def run(revision, mode, offer, expected, who):
    label = f"{revision} {who}"
    key = KEYS[who]
    session_module.LATEST_HANDSHAKE_VERSION = offer or "2025-11-25"
    headers = {"x-api-key": key} if who == "owner" else {"authorization": f"Bearer {key}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        transport = streamable_http_client(URL, http_client=http)
        async with Client(transport, mode=mode, cache=None) as client:
            check(
                f"{label} negotiated",
                client.protocol_version == expected,
                f"negotiated {client.protocol_version}, expected {expected}",
            )
            tools = (await client.list_tools()).tools
            names = {t.name for t in tools}
            writes = sorted(t.name for t in tools if not (t.annotations and t.annotations.read_only_hint))
            get_ticket = next((t for t in tools if t.name == "tickets_getTicket"), None)
            check(
                f"{label} list-tools",
                get_ticket is not None
                and get_ticket.input_schema.get("required") == ["id"]
                and get_ticket.output_schema is not None
                and get_ticket.annotations.read_only_hint is True,
                f"tickets_getTicket missing or mis-described among {len(tools)} tools",
            )
            if who == "owner":
                check(
                    f"{label} list-tools-writes",
                    "tickets_addTicket" in names and "tickets_delete" in names,
                    f"the owner does not see the write tools: {sorted(names)[:10]}...",
                )
            else:
                check(
                    f"{label} list-tools-no-writes",
                    not writes and "tickets_addTicket" not in names,
                    f"a readonly key sees write tools: {writes}",
                )

            result = await client.call_tool("tickets_getTicket", {"id": TICKET})
            sc = result.structured_content or {}
            text = json.loads(result.content[0].text) if result.content else None
            check(
                f"{label} getTicket",
                not result.is_error and sc.get("id") == TICKET and sc.get("headline") == HEADLINE and text == sc,
                f"answered {result}",
            )

            values = {"projectId": 1, "headline": f"made over MCP ({revision}, {who})", "priority": "2"}
            result = await client.call_tool("tickets_addTicket", {"values": values})
            if who == "owner":
                new_id = (result.structured_content or {}).get("result")
                ok = not result.is_error and isinstance(new_id, int) and new_id > TICKET
                if ok:
                    made = await client.call_tool("tickets_getTicket", {"id": new_id})
                    made = made.structured_content or {}
                    ok = made.get("headline") == values["headline"] and made.get("priority") == 2
                check(f"{label} addTicket", ok, f"answered {result}")
            else:
                check(
                    f"{label} addTicket-refused",
                    result.is_error and error_of(result)["code"] == -32001,
                    f"a readonly key's addTicket answered {result}",
                )

            if who == "owner":
                # A tool that does not exist is a protocol error, not a tool result.
                try:
                    result = await client.call_tool("tickets_dropDatabase", {})
                    check(f"{label} forbidden-call", False, f"an unknown tool answered {result}")
                except MCPError as error:
                    check(f"{label} forbidden-call", error.code == -32602, f"raised {error.code}: {error}")
            else:
                # A ticket of a project the key may not touch: refused like the JSON-RPC call.
                result = await client.call_tool("tickets_getTicket", {"id": FOREIGN})
                check(
                    f"{label} forbidden-call",
                    result.is_error and error_of(result)["code"] in (-32001, -32002)
                    and str(FOREIGN) not in json.dumps(result.structured_content),
                    f"a ticket of project 2 answered {result}",
                )

            result = await client.call_tool("tickets_getTicket", {"id": "not a number"})
            err = error_of(result) if result.is_error else {}
            check(
                f"{label} bad-arguments",
                result.is_error and err.get("code") == -32602 and "id" in json.dumps(err),
                f"answered {result}",
            )


async def main():
    for revision, mode, offer, expected in REVISIONS:
        for who in ("owner", "readonly"):
            try:
                await run(revision, mode, offer, expected, who)
            except BaseException as error:  # noqa: BLE001 - any crash is a failure of this case
                detail = "".join(traceback.format_exception(error))[-1500:]
                report(False, f"{revision} {who} session", detail.replace("\n", " | "))
    print(f"python: {FAILED} failed", flush=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
