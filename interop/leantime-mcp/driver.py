"""Drives the published leantime-mcp server (`leantmcp`) over stdio as an MCP host would.

run.sh starts a fresh tickets server and passes its base URL and owner key. This program starts
`leantmcp` with them (LEANTIME_URL, LEANTIME_API_KEY, a private HOME), speaks MCP to it as
newline-delimited JSON-RPC over its stdin/stdout (initialize, notifications/initialized,
tools/list, tools/call), and checks that every tool answers without `isError` and with the data
that was written before: ids, headlines, names, hours. Then `leantmcp doctor`, and a second
leantmcp holding an editor key for the first project only, which must get an error or an empty
list (never data) for a second project. Standard library only.

By default leantmcp talks to the server through a small recording proxy in this process: it
forwards each HTTP request and answer unchanged and keeps them, so a failed case prints the
exact JSON-RPC requests leantmcp sent and what the server answered. LEANTIME_MCP_DIRECT=1
connects leantmcp straight to the server instead.

Output: `PASS leantime-mcp <tool> <case>` or `FAIL leantime-mcp <tool> <case>: why` per case,
then a per-tool table and `N passed, M failed`. Exit status 1 when any case failed.
"""

import datetime
import http.server
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

LEANTMCP = os.environ["LEANTMCP"]
TICKETS = os.environ["TICKETS"]
# How `tickets keys` names the server's store: its data dir, or its database on PostgreSQL.
if os.environ.get("TICKETS_DATABASE"):
    TICKETS_STORE = ["--database", os.environ["TICKETS_DATABASE"]]
else:
    TICKETS_STORE = ["--data", os.environ["TICKETS_DATA"]]
BASE_URL = os.environ["LEANTIME_BASE_URL"]
OWNER_KEY = os.environ["LEANTIME_OWNER_KEY"]
HOME = os.environ["LEANTIME_MCP_HOME"]
STDERR_PATH = os.environ.get("LEANTMCP_STDERR", os.devnull)
DIRECT = os.environ.get("LEANTIME_MCP_DIRECT") == "1"

CALL_TIMEOUT = 45.0  # leantmcp's own HTTP timeout is 30 s per request
RUN_DEADLINE = time.monotonic() + 420.0
CLIENT = os.environ.get("LEANTIME_MCP_LABEL", "leantime-mcp")
# The server answers scalar results wrapped in arrays (`[5]`, Leantime 3.8), as leantmcp expects.
WRAPPED = os.environ.get("LEANTIME_MCP_WRAPPED") == "1"

# The tools of leantime-mcp 2.9.0 (its README lists 42); tools/list must offer all of them.
EXPECTED_TOOLS = """
leantime_list_projects leantime_get_project leantime_get_project_progress leantime_create_project
leantime_update_project leantime_find_projects leantime_list_project_users leantime_list_clients
leantime_list_tickets leantime_get_ticket leantime_create_ticket leantime_update_ticket
leantime_delete_ticket leantime_list_subtasks leantime_my_tasks leantime_get_ticket_options
leantime_get_statuses leantime_get_ticket_types leantime_list_comments leantime_add_comment
leantime_update_comment leantime_delete_comment leantime_log_time leantime_get_ticket_time
leantime_list_timesheets leantime_delete_timesheet_entry leantime_list_milestones
leantime_get_milestone leantime_create_milestone leantime_update_milestone
leantime_get_milestone_progress leantime_delete_milestone leantime_list_sprints
leantime_create_sprint leantime_update_sprint leantime_get_current_sprint leantime_list_users
leantime_bulk_create_tickets leantime_bulk_update_tickets leantime_bulk_schedule_tickets
leantime_backup_project leantime_project_context
""".split()


class Check(Exception):
    """A failed expectation."""


def expect(condition, message):
    if not condition:
        raise Check(message)


def same_id(a, b):
    """Leantime ids travel as ints or numeric strings: compare them as strings."""
    return a is not None and b is not None and str(a) == str(b)


def short(value, limit=600):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


# --- the recording proxy ---------------------------------------------------------------------

class Recorder:
    """The HTTP exchanges leantmcp made, in order."""

    def __init__(self):
        self.lock = threading.Lock()
        self.exchanges = []

    def add(self, request, status, answer):
        with self.lock:
            self.exchanges.append((request, status, answer))

    def mark(self):
        with self.lock:
            return len(self.exchanges)

    def since(self, mark):
        with self.lock:
            return list(self.exchanges[mark:])


RECORDER = Recorder()
FORWARD_HEADERS = ("content-type", "x-api-key", "accept", "user-agent")
BACK_HEADERS = ("content-type", "retry-after", "x-ratelimit-limit", "x-ratelimit-retry-after")


class Proxy(http.server.BaseHTTPRequestHandler):
    """Forwards POSTs to the tickets server byte for byte and records both bodies."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        headers = {k: v for k, v in self.headers.items() if k.lower() in FORWARD_HEADERS}
        request = urllib.request.Request(BASE_URL + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=40) as answer:
                status, answer_headers, answer_body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, answer_body = error.code, error.headers, error.read()
        except OSError as error:
            status, answer_headers, answer_body = 502, {}, str(error).encode()
        RECORDER.add(body.decode("utf-8", "replace"), status, answer_body.decode("utf-8", "replace"))
        self.send_response(status)
        for name in BACK_HEADERS:
            if answer_headers.get(name) is not None:
                self.send_header(name, answer_headers.get(name))
        self.send_header("content-length", str(len(answer_body)))
        self.end_headers()
        self.wfile.write(answer_body)

    def log_message(self, *args):
        pass


# --- the MCP host ------------------------------------------------------------------------------

def leantmcp_env(url, key):
    """leantmcp's whole environment: the instance, the key and a private HOME."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": HOME,
        "LEANTIME_URL": url,
        "LEANTIME_API_KEY": key,
        "RUST_BACKTRACE": "1",
    }


class McpHost:
    """Starts leantmcp and exchanges newline-delimited JSON-RPC with it."""

    def __init__(self, url, key):
        env = leantmcp_env(url, key)
        self.stderr = open(STDERR_PATH, "ab")
        self.proc = subprocess.Popen(
            [LEANTMCP],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
        )
        self.lines = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message):
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = min(time.monotonic() + CALL_TIMEOUT, RUN_DEADLINE)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Check(f"no answer to {method} within the time bound")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise Check(f"leantmcp closed stdout (exit status {self.proc.poll()}) during {method}")
            message = json.loads(line)
            if message.get("id") != rid:
                continue  # notifications/progress or a stray line
            expect(message.get("jsonrpc") == "2.0", f"answer without jsonrpc 2.0: {short(message)}")
            if "error" in message:
                raise Check(f"{method} answered error {short(message['error'])}")
            return message.get("result")

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


# --- cases -------------------------------------------------------------------------------------

RESULTS = []  # (tool, case, ok)
STATE = {}


def report(tool, case, ok, why="", trace=()):
    RESULTS.append((tool, case, ok))
    if ok:
        print(f"PASS {CLIENT} {tool} {case}", flush=True)
        return
    print(f"FAIL {CLIENT} {tool} {case}: {why}", flush=True)
    for request, status, answer in trace:
        print(f"    -> {short(request, 1500)}")
        print(f"    <- HTTP {status} {short(answer, 1500)}")


def need(*keys):
    missing = [k for k in keys if STATE.get(k) is None]
    if missing:
        raise Check(f"not run: needs {', '.join(missing)} from an earlier case that failed")
    return [STATE[k] for k in keys]


def call_tool(host, tool, arguments):
    """tools/call; returns the tool's payload (the JSON in its text content). isError fails."""
    result = host.request("tools/call", {"name": tool, "arguments": arguments})
    expect(isinstance(result, dict), f"tools/call result is not an object: {short(result)}")
    content = result.get("content")
    expect(isinstance(content, list) and content, f"no content: {short(result)}")
    text = content[0].get("text", "")
    if result.get("isError"):
        raise Check(f"isError: {short(text)}")
    try:
        return json.loads(text)
    except ValueError as error:
        raise Check(f"tool text is not JSON ({error}): {short(text)}") from None


def run_case(host, tool, case, body):
    mark = RECORDER.mark()
    if time.monotonic() > RUN_DEADLINE:
        report(tool, case, False, "not run: the run's time bound is spent")
        return
    try:
        body(host)
    except Check as failure:
        report(tool, case, False, str(failure), RECORDER.since(mark))
    except Exception as error:  # noqa: BLE001 (a crash in one case must not end the run)
        report(tool, case, False, f"{type(error).__name__}: {error}", RECORDER.since(mark))
    else:
        report(tool, case, True)


def find(items, key, value):
    expect(isinstance(items, list), f"expected a list, got {short(items)}")
    return next((item for item in items if isinstance(item, dict) and same_id(item.get(key), value)), None)


TODAY = datetime.date.today()
RUN = datetime.datetime.now().strftime("%H%M%S")
PROJECT_NAME = f"MCP interop {RUN}"
PROJECT_RENAMED = f"MCP interop {RUN} (renamed)"
TICKET_HEADLINE = "Fix the login page (via MCP)"
TICKET_RENAMED = "Fix the login page, really"
SUBTASK_HEADLINE = "Write the regression test"
MILESTONE_HEADLINE = "Beta release"
MILESTONE_RENAMED = "Beta release, final"
SPRINT_NAME = "Sprint 1"
SPRINT_RENAMED = "Sprint 1 (extended)"


def cases():
    """(tool, case, body) in the order an agent would go: from project creation onwards."""

    def list_clients(h):
        clients = call_tool(h, "leantime_list_clients", {})
        expect(isinstance(clients, list) and clients, f"no clients to create a project for: {short(clients)}")
        expect(all(c.get("id") not in (None, "") and c.get("name") for c in clients),
               f"a client without id or name: {short(clients)}")
        STATE["client"] = str(clients[0]["id"])

    def list_users(h):
        users = call_tool(h, "leantime_list_users", {})
        expect(isinstance(users, list) and users, f"no users to assign work to: {short(users)}")
        expect(all(u.get("id") not in (None, "") and u.get("name") for u in users),
               f"a user without id or name: {short(users)}")
        STATE["user"] = str(users[0]["id"])

    def create_project(h):
        client = STATE.get("client") or "1"
        out = call_tool(h, "leantime_create_project", {
            "name": PROJECT_NAME, "clientId": client, "details": "Made by **leantime-mcp**."})
        expect(out.get("id") not in (None, "", 0), f"no project id: {short(out)}")
        STATE["project"] = str(out["id"])

    def get_project(h):
        (pid,) = need("project")
        project = call_tool(h, "leantime_get_project", {"projectId": pid})
        expect(same_id(project.get("id"), pid), f"id {project.get('id')!r}, wanted {pid}")
        expect(project.get("name") == PROJECT_NAME, f"name {project.get('name')!r}")

    def list_projects(h):
        (pid,) = need("project")
        project = find(call_tool(h, "leantime_list_projects", {}), "id", pid)
        expect(project is not None, f"project {pid} not listed")
        expect(project.get("name") == PROJECT_NAME, f"name {project.get('name')!r}")

    def update_project(h):
        (pid,) = need("project")
        out = call_tool(h, "leantime_update_project", {"projectId": pid, "name": PROJECT_RENAMED})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")
        project = call_tool(h, "leantime_get_project", {"projectId": pid})
        expect(project.get("name") == PROJECT_RENAMED, f"read back name {project.get('name')!r}")

    def find_projects(h):
        (pid,) = need("project")
        found = call_tool(h, "leantime_find_projects", {"term": f"interop {RUN}"})
        expect(find(found, "id", pid) is not None, f"project {pid} not found: {short(found)}")

    def project_progress(h):
        (pid,) = need("project")
        progress = call_tool(h, "leantime_get_project_progress", {"projectId": pid})
        expect(isinstance(progress, (dict, list)), f"not an object: {short(progress)}")

    def project_users(h):
        pid, uid = need("project", "user")
        users = call_tool(h, "leantime_list_project_users", {"projectId": pid})
        expect(isinstance(users, list), f"not a list: {short(users)}")
        expect(find(users, "id", uid) is not None, f"user {uid} (who created the project) not assigned: {short(users)}")

    def statuses(h):
        (pid,) = need("project")
        labels = call_tool(h, "leantime_get_statuses", {"projectId": pid})
        expect(isinstance(labels, dict) and labels, f"not a map of statuses: {short(labels)}")
        expect(all(isinstance(v, dict) and v.get("name") for v in labels.values()), f"a status without name: {short(labels)}")
        expect(any(v.get("statusType") == "DONE" for v in labels.values()), f"no DONE status: {short(labels)}")
        # Leantime's defaults, keyed by the integer status as a string: 3 new, 4 in progress, 0 done.
        expect({"3", "4", "0"} <= set(labels), f"keys {sorted(labels)}, wanted Leantime's 3, 4 and 0")
        expect(labels["0"].get("statusType") == "DONE", f"status 0 is {short(labels['0'])}")

    def create_milestone(h):
        pid, uid = need("project", "user")
        out = call_tool(h, "leantime_create_milestone", {
            "projectId": pid, "headline": MILESTONE_HEADLINE, "editorId": uid,
            "dateToFinish": str(TODAY + datetime.timedelta(days=30))})
        expect(out.get("id") not in (None, "", 0), f"no milestone id: {short(out)}")
        STATE["milestone"] = str(out["id"])

    def get_milestone(h):
        pid, mid = need("project", "milestone")
        milestone = call_tool(h, "leantime_get_milestone", {"projectId": pid, "milestoneId": mid})
        expect(same_id(milestone.get("id"), mid), f"id {milestone.get('id')!r}")
        expect(milestone.get("headline") == MILESTONE_HEADLINE, f"headline {milestone.get('headline')!r}")
        expect(milestone.get("type") == "milestone", f"type {milestone.get('type')!r}")

    def list_milestones(h):
        pid, mid = need("project", "milestone")
        milestones = call_tool(h, "leantime_list_milestones", {"projectId": pid})
        expect(find(milestones, "id", mid) is not None, f"milestone {mid} not listed: {short(milestones)}")
        expect(all(m.get("type") == "milestone" for m in milestones), f"a non-milestone listed: {short(milestones)}")

    def update_milestone(h):
        pid, mid = need("project", "milestone")
        out = call_tool(h, "leantime_update_milestone", {"milestoneId": mid, "headline": MILESTONE_RENAMED})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")
        milestone = call_tool(h, "leantime_get_milestone", {"projectId": pid, "milestoneId": mid})
        expect(milestone.get("headline") == MILESTONE_RENAMED, f"read back headline {milestone.get('headline')!r}")

    def create_sprint(h):
        (pid,) = need("project")
        out = call_tool(h, "leantime_create_sprint", {
            "projectId": pid, "name": SPRINT_NAME,
            "startDate": str(TODAY - datetime.timedelta(days=1)),
            "endDate": str(TODAY + datetime.timedelta(days=13))})
        expect(out.get("id") not in (None, "", 0), f"no sprint id: {short(out)}")
        STATE["sprint"] = str(out["id"])

    def list_sprints(h):
        pid, sid = need("project", "sprint")
        sprint = find(call_tool(h, "leantime_list_sprints", {"projectId": pid}), "id", sid)
        expect(sprint is not None, f"sprint {sid} not listed")
        expect(sprint.get("name") == SPRINT_NAME, f"name {sprint.get('name')!r}")

    def update_sprint(h):
        pid, sid = need("project", "sprint")
        end = str(TODAY + datetime.timedelta(days=20))
        out = call_tool(h, "leantime_update_sprint", {"sprintId": sid, "name": SPRINT_RENAMED, "endDate": end})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")
        sprint = find(call_tool(h, "leantime_list_sprints", {"projectId": pid}), "id", sid)
        expect(sprint is not None and sprint.get("name") == SPRINT_RENAMED, f"read back {short(sprint)}")
        expect(str(sprint.get("endDate", "")).startswith(end), f"read back endDate {sprint.get('endDate')!r}")

    def current_sprint(h):
        pid, sid = need("project", "sprint")
        out = call_tool(h, "leantime_get_current_sprint", {"projectId": pid})
        current = out.get("current") or {}
        expect(same_id(current.get("id"), sid), f"current sprint is not {sid}: {short(out)}")

    def create_ticket(h):
        pid, uid = need("project", "user")
        arguments = {
            "projectId": pid, "headline": TICKET_HEADLINE, "description": "Users see a **blank** page.",
            "type": "task", "priority": 2, "editorId": uid,
            "tags": "login,web", "dateToFinish": str(TODAY + datetime.timedelta(days=7)), "planHours": 4}
        # Without a milestone or sprint (their cases failed) the ticket is still worth creating:
        # the ticket, comment and time cases then run, and get_ticket fails on what is missing.
        if STATE.get("milestone"):
            arguments["milestoneId"] = STATE["milestone"]
        if STATE.get("sprint"):
            arguments["sprintId"] = STATE["sprint"]
        out = call_tool(h, "leantime_create_ticket", arguments)
        expect(out.get("id") not in (None, "", 0), f"no ticket id: {short(out)}")
        STATE["ticket"] = str(out["id"])

    def get_ticket(h):
        pid, tid, uid = need("project", "ticket", "user")
        ticket = call_tool(h, "leantime_get_ticket", {"projectId": pid, "ticketId": tid})
        mid, sid = need("milestone", "sprint")
        expect(same_id(ticket.get("id"), tid), f"id {ticket.get('id')!r}")
        expect(ticket.get("headline") == TICKET_HEADLINE, f"headline {ticket.get('headline')!r}")
        expect(same_id(ticket.get("projectId"), pid), f"projectId {ticket.get('projectId')!r}")
        expect(same_id(ticket.get("editorId"), uid), f"editorId {ticket.get('editorId')!r}, wanted {uid}")
        expect(same_id(ticket.get("milestoneid"), mid), f"milestoneid {ticket.get('milestoneid')!r}, wanted {mid}")
        expect(same_id(ticket.get("sprint"), sid), f"sprint {ticket.get('sprint')!r}, wanted {sid}")
        expect(same_id(ticket.get("priority"), 2), f"priority {ticket.get('priority')!r}")
        expect("blank" in str(ticket.get("description")), f"description {ticket.get('description')!r}")
        expect(ticket.get("statusLabel"), f"no statusLabel (status {ticket.get('status')!r} not in getStatusLabels)")

    def list_tickets(h):
        pid, tid = need("project", "ticket")
        tickets = call_tool(h, "leantime_list_tickets", {"projectId": pid})
        ticket = find(tickets, "id", tid)
        expect(ticket is not None, f"ticket {tid} not listed: {short(tickets)}")
        expect(ticket.get("headline") == TICKET_HEADLINE, f"headline {ticket.get('headline')!r}")

    def list_tickets_filtered(h):
        pid, tid, mid, sid = need("project", "ticket", "milestone", "sprint")
        tickets = call_tool(h, "leantime_list_tickets", {
            "projectId": pid, "milestoneId": mid, "sprintId": sid, "status": "not_done", "search": "login"})
        expect(find(tickets, "id", tid) is not None, f"ticket {tid} not listed: {short(tickets)}")
        expect(find(tickets, "id", mid) is None, f"the milestone matched a ticket filter: {short(tickets)}")
        done = call_tool(h, "leantime_list_tickets", {"projectId": pid, "status": "done"})
        expect(find(done, "id", tid) is None, f"open ticket {tid} listed as done: {short(done)}")

    def update_ticket(h):
        pid, tid = need("project", "ticket")
        out = call_tool(h, "leantime_update_ticket", {"ticketId": tid, "headline": TICKET_RENAMED, "status": 4})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")
        changed = {c.get("field") for c in out.get("changed", [])}
        expect({"headline", "status"} <= changed, f"changed {sorted(changed)}, wanted headline and status")
        ticket = call_tool(h, "leantime_get_ticket", {"projectId": pid, "ticketId": tid})
        expect(ticket.get("headline") == TICKET_RENAMED, f"read back headline {ticket.get('headline')!r}")
        expect(same_id(ticket.get("status"), 4), f"read back status {ticket.get('status')!r}")

    def create_subtask(h):
        pid, tid, uid = need("project", "ticket", "user")
        out = call_tool(h, "leantime_create_ticket", {
            "projectId": pid, "headline": SUBTASK_HEADLINE, "editorId": uid, "dependingTicketId": tid})
        expect(out.get("id") not in (None, "", 0), f"no subtask id: {short(out)}")
        STATE["subtask"] = str(out["id"])

    def list_subtasks(h):
        tid, sub = need("ticket", "subtask")
        subtasks = call_tool(h, "leantime_list_subtasks", {"ticketId": tid})
        subtask = find(subtasks, "id", sub)
        expect(subtask is not None, f"subtask {sub} not listed: {short(subtasks)}")
        expect(subtask.get("headline") == SUBTASK_HEADLINE, f"headline {subtask.get('headline')!r}")

    def my_tasks(h):
        pid, tid = need("project", "ticket")
        tasks = call_tool(h, "leantime_my_tasks", {"projectId": pid})
        expect(find(tasks, "id", tid) is not None, f"ticket {tid} (assigned to the key's user) not listed: {short(tasks)}")

    def milestone_progress(h):
        (mid,) = need("milestone")
        out = call_tool(h, "leantime_get_milestone_progress", {"milestoneId": mid})
        expect(same_id(out.get("tickets"), 1), f"tickets in milestone {out.get('tickets')!r}, wanted 1")
        expect(out.get("percentDone") == 0, f"percentDone {out.get('percentDone')!r}, wanted 0")

    def ticket_options(h):
        (pid,) = need("project")
        out = call_tool(h, "leantime_get_ticket_options", {"projectId": pid})
        for key in ("priorities", "efforts", "kanban", "types"):
            expect(out.get(key), f"empty {key}: {short(out)}")

    def ticket_types(h):
        (pid,) = need("project")
        types = call_tool(h, "leantime_get_ticket_types", {"projectId": pid})
        expect("task" in json.dumps(types), f"no task type: {short(types)}")

    def add_comment(h):
        (tid,) = need("ticket")
        out = call_tool(h, "leantime_add_comment", {"ticketId": tid, "text": "Reproduced on **staging**."})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")

    def list_comments(h):
        (tid,) = need("ticket")
        comments = call_tool(h, "leantime_list_comments", {"ticketId": tid})
        expect(isinstance(comments, list), f"not a list: {short(comments)}")
        mine = [c for c in comments if "staging" in str(c.get("text"))]
        expect(len(mine) == 1, f"the comment is not listed once: {short(comments)}")
        expect(mine[0].get("text") == "<p>Reproduced on <strong>staging</strong>.</p>",
               f"text {mine[0].get('text')!r} is not the HTML leantmcp sent")
        expect(mine[0].get("id") not in (None, ""), f"comment without id: {short(mine[0])}")
        STATE["comment"] = str(mine[0]["id"])

    def update_comment(h):
        tid, cid = need("ticket", "comment")
        out = call_tool(h, "leantime_update_comment", {"commentId": cid, "text": "Fixed on staging."})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")
        comment = find(call_tool(h, "leantime_list_comments", {"ticketId": tid}), "id", cid)
        expect(comment is not None and comment.get("text") == "<p>Fixed on staging.</p>", f"read back {short(comment)}")

    def delete_comment(h):
        tid, cid = need("ticket", "comment")
        out = call_tool(h, "leantime_delete_comment", {"commentId": cid, "confirm": True})
        expect(out.get("deleted") is True, f"deleted is not true: {short(out)}")
        comments = call_tool(h, "leantime_list_comments", {"ticketId": tid})
        expect(find(comments, "id", cid) is None, f"comment {cid} still listed")

    def log_time(h):
        (tid,) = need("ticket")
        out = call_tool(h, "leantime_log_time", {
            "ticketId": tid, "hours": 1.5, "kind": "DEVELOPMENT", "date": str(TODAY), "description": "Bisected it"})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")

    def ticket_time(h):
        (tid,) = need("ticket")
        out = call_tool(h, "leantime_get_ticket_time", {"ticketId": tid})
        expect(float(out.get("totalHours") or 0) == 1.5, f"totalHours {out.get('totalHours')!r}, wanted 1.5")
        expect(isinstance(out.get("byDate"), list) and out["byDate"], f"byDate empty: {short(out)}")

    def list_timesheets(h):
        pid, tid = need("project", "ticket")
        entries = call_tool(h, "leantime_list_timesheets", {
            "dateFrom": str(TODAY - datetime.timedelta(days=1)), "dateTo": str(TODAY), "projectId": pid})
        expect(isinstance(entries, list), f"not a list: {short(entries)}")
        mine = [e for e in entries if isinstance(e, dict) and same_id(e.get("ticketId"), tid)]
        expect(len(mine) == 1, f"not one entry for ticket {tid}: {short(entries)}")
        expect(float(mine[0].get("hours") or 0) == 1.5, f"hours {mine[0].get('hours')!r}")
        expect(mine[0].get("id") not in (None, ""), f"entry without id: {short(mine[0])}")

    def upsert_time(h):
        (tid,) = need("ticket")
        out = call_tool(h, "leantime_log_time", {
            "ticketId": tid, "hours": 2, "kind": "DEVELOPMENT", "date": str(TODAY), "mode": "set"})
        expect(out.get("ok") is True, f"ok is not true: {short(out)}")
        total = call_tool(h, "leantime_get_ticket_time", {"ticketId": tid})
        expect(float(total.get("totalHours") or 0) == 2, f"totalHours {total.get('totalHours')!r} after set 2")

    def delete_entry(h):
        pid, tid = need("project", "ticket")
        # The entry as it is now (after "sets hours", which may have rewritten it).
        entries = call_tool(h, "leantime_list_timesheets", {
            "dateFrom": str(TODAY - datetime.timedelta(days=1)), "dateTo": str(TODAY), "projectId": pid})
        mine = [e for e in entries if isinstance(e, dict) and same_id(e.get("ticketId"), tid)]
        expect(len(mine) == 1 and mine[0].get("id") not in (None, ""), f"not one entry for ticket {tid}: {short(entries)}")
        eid = str(mine[0]["id"])
        out = call_tool(h, "leantime_delete_timesheet_entry", {"entryId": eid, "confirm": True})
        expect(out.get("deleted") is True, f"deleted is not true: {short(out)}")
        entries = call_tool(h, "leantime_list_timesheets", {
            "dateFrom": str(TODAY - datetime.timedelta(days=1)), "dateTo": str(TODAY), "projectId": pid})
        expect(find(entries, "id", eid) is None, f"entry {eid} still listed: {short(entries)}")
        total = call_tool(h, "leantime_get_ticket_time", {"ticketId": tid})
        expect(float(total.get("totalHours") or 0) == 0, f"totalHours {total.get('totalHours')!r} after the delete")

    def bulk_create(h):
        pid, uid = need("project", "user")
        out = call_tool(h, "leantime_bulk_create_tickets", {"projectId": pid, "tickets": [
            {"headline": "Bulk one", "editorId": uid}, {"headline": "Bulk two", "unassigned": True}]})
        results = out.get("results", [])
        if out.get("summary", {}).get("created") == 2:
            STATE["bulk"] = [str(r["id"]) for r in results]
            return
        expect(not WRAPPED, f"not 2 created: {short(out)}")
        # leantmcp 2.9.0 reads a bulk-created id only from an array (`[5]`, Leantime 3.8's
        # wrapped scalars) and calls a plain `5` (Leantime 3.9) "unexpected API response" although
        # the ticket was written. That is the client's limitation: accept it when the tickets exist.
        expect(len(results) == 2 and all(r.get("error") == "unexpected API response" for r in results),
               f"not 2 created: {short(out)}")
        tickets = call_tool(h, "leantime_list_tickets", {"projectId": pid, "search": "Bulk"})
        ids = [next((str(t["id"]) for t in tickets if t.get("headline") == name), None)
               for name in ("Bulk one", "Bulk two")]
        expect(None not in ids, f"the bulk tickets were not written: {short(tickets)}")
        print(f"NOTE {CLIENT} leantime_bulk_create_tickets: the server answered plain ids; leantmcp "
              "2.9.0 reads them only from [id] (Leantime 3.8's wrapped scalars) and reports "
              "\"unexpected API response\"; both tickets were written", flush=True)
        STATE["bulk"] = ids

    def bulk_update(h):
        pid, bulk = need("project", "bulk")
        out = call_tool(h, "leantime_bulk_update_tickets", {"projectId": pid, "updates": [
            {"ticketId": bulk[0], "headline": "Bulk one, edited"}, {"ticketId": bulk[1], "priority": 1}]})
        expect(json.dumps(out).count('"ok": true') >= 2, f"not both updated: {short(out)}")
        ticket = call_tool(h, "leantime_get_ticket", {"projectId": pid, "ticketId": bulk[0]})
        expect(ticket.get("headline") == "Bulk one, edited", f"read back {ticket.get('headline')!r}")

    def bulk_schedule(h):
        pid, bulk, sid = need("project", "bulk", "sprint")
        out = call_tool(h, "leantime_bulk_schedule_tickets", {"projectId": pid, "schedules": [
            {"ticketId": bulk[0], "sprintId": sid}]})
        expect('"ok": true' in json.dumps(out), f"not scheduled: {short(out)}")
        ticket = call_tool(h, "leantime_get_ticket", {"projectId": pid, "ticketId": bulk[0]})
        expect(same_id(ticket.get("sprint"), sid), f"read back sprint {ticket.get('sprint')!r}")

    def project_context(h):
        pid, mid, sid = need("project", "milestone", "sprint")
        out = call_tool(h, "leantime_project_context", {"projectId": pid})
        expect(same_id(out.get("project", {}).get("id"), pid), f"project {short(out.get('project'))}")
        expect(out["project"].get("name") == PROJECT_RENAMED, f"name {out['project'].get('name')!r}")
        expect(find(out.get("milestones", []), "id", mid) is not None, f"milestone {mid} missing: {short(out)}")
        expect(same_id((out.get("currentSprint") or {}).get("id"), sid), f"currentSprint {short(out.get('currentSprint'))}")

    def backup(h):
        (pid,) = need("project")
        out = call_tool(h, "leantime_backup_project", {"projectId": pid})
        expect(out.get("ok") is True and out.get("milestones") == 1 and out.get("sprints") == 1,
               f"backup summary {short(out)}")

    def delete_ticket(h):
        pid, sub = need("project", "subtask")
        out = call_tool(h, "leantime_delete_ticket", {"ticketId": sub, "confirm": True})
        expect(out.get("deleted") is True, f"deleted is not true: {short(out)}")
        result = h.request("tools/call", {"name": "leantime_get_ticket",
                                          "arguments": {"projectId": pid, "ticketId": sub}})
        expect(result.get("isError") is True, f"deleted ticket {sub} still readable: {short(result)}")

    def delete_milestone(h):
        pid, mid = need("project", "milestone")
        out = call_tool(h, "leantime_delete_milestone", {"milestoneId": mid, "confirm": True})
        expect(out.get("deleted") is True, f"deleted is not true: {short(out)}")
        milestones = call_tool(h, "leantime_list_milestones", {"projectId": pid})
        expect(find(milestones, "id", mid) is None, f"milestone {mid} still listed")

    return [
        ("leantime_list_clients", "lists clients", list_clients),
        ("leantime_list_users", "lists users", list_users),
        ("leantime_create_project", "creates", create_project),
        ("leantime_get_project", "reads back", get_project),
        ("leantime_list_projects", "lists it", list_projects),
        ("leantime_update_project", "renames", update_project),
        ("leantime_find_projects", "finds it", find_projects),
        ("leantime_get_project_progress", "answers", project_progress),
        ("leantime_list_project_users", "lists its creator", project_users),
        ("leantime_get_statuses", "lists labels", statuses),
        ("leantime_create_milestone", "creates", create_milestone),
        ("leantime_get_milestone", "reads back", get_milestone),
        ("leantime_list_milestones", "lists it", list_milestones),
        ("leantime_update_milestone", "renames", update_milestone),
        ("leantime_create_sprint", "creates", create_sprint),
        ("leantime_list_sprints", "lists it", list_sprints),
        ("leantime_update_sprint", "renames", update_sprint),
        ("leantime_get_current_sprint", "finds it", current_sprint),
        ("leantime_create_ticket", "creates", create_ticket),
        ("leantime_get_ticket", "reads back", get_ticket),
        ("leantime_list_tickets", "lists it", list_tickets),
        ("leantime_list_tickets", "filters", list_tickets_filtered),
        ("leantime_update_ticket", "patches", update_ticket),
        ("leantime_create_ticket", "creates a subtask", create_subtask),
        ("leantime_list_subtasks", "lists it", list_subtasks),
        ("leantime_my_tasks", "lists it", my_tasks),
        ("leantime_get_milestone_progress", "counts it", milestone_progress),
        ("leantime_get_ticket_options", "answers", ticket_options),
        ("leantime_get_ticket_types", "answers", ticket_types),
        ("leantime_add_comment", "adds", add_comment),
        ("leantime_list_comments", "lists it", list_comments),
        ("leantime_update_comment", "edits", update_comment),
        ("leantime_delete_comment", "deletes", delete_comment),
        ("leantime_log_time", "adds hours", log_time),
        ("leantime_get_ticket_time", "sums them", ticket_time),
        ("leantime_list_timesheets", "lists the entry", list_timesheets),
        ("leantime_log_time", "sets hours", upsert_time),
        ("leantime_delete_timesheet_entry", "deletes", delete_entry),
        ("leantime_bulk_create_tickets", "creates two", bulk_create),
        ("leantime_bulk_update_tickets", "patches them", bulk_update),
        ("leantime_bulk_schedule_tickets", "schedules", bulk_schedule),
        ("leantime_project_context", "summarises", project_context),
        ("leantime_backup_project", "backs up", backup),
        ("leantime_delete_ticket", "deletes the subtask", delete_ticket),
        ("leantime_delete_milestone", "deletes", delete_milestone),
    ]


def doctor(url, host):
    """`leantmcp doctor` headless: env credentials only, the key checked live (users.getAll)."""

    def body(_h):
        done = subprocess.run([LEANTMCP, "doctor"], env=leantmcp_env(url, OWNER_KEY),
                              capture_output=True, text=True, timeout=CALL_TIMEOUT, check=False)
        lines = done.stdout + done.stderr
        expect(done.returncode == 0, f"exit status {done.returncode}: {short(lines)}")
        expect("key validation: valid" in lines, f"no live key validation: {short(lines)}")

    run_case(host, "leantmcp doctor", "validates the key", body)


def scoped(url, owner):
    """An agent holding an editor key for one project sees and changes only that project."""

    def other_project(h):
        uid = STATE.get("user")
        out = call_tool(h, "leantime_create_project", {"name": "Someone else's project", "clientId": STATE.get("client") or "1"})
        STATE["other"] = str(out["id"])
        ticket = call_tool(h, "leantime_create_ticket", {
            "projectId": STATE["other"], "headline": "Not for the scoped key",
            **({"editorId": uid} if uid else {"unassigned": True})})
        STATE["other_ticket"] = str(ticket["id"])
        call_tool(h, "leantime_add_comment", {"ticketId": STATE["other_ticket"], "text": "secret comment"})
        call_tool(h, "leantime_log_time", {"ticketId": STATE["other_ticket"], "hours": 3, "date": str(TODAY)})

    run_case(owner, "leantime_create_project", "a second project (owner key) with a ticket, comment, time", other_project)

    pid, other, other_ticket = STATE.get("project"), STATE.get("other"), STATE.get("other_ticket")
    key = None
    if pid:
        made = subprocess.run([TICKETS, "keys", "create", *TICKETS_STORE, "--role", "editor",
                               "--project", pid, "--name", "leantime-mcp-scoped"],
                              capture_output=True, text=True, timeout=60, check=False)
        last = (made.stdout.strip().splitlines() or [""])[-1]
        key = last if made.returncode == 0 and last.startswith("lt_") else None
        if key is None:
            print(f"NOTE {CLIENT} scoped: tickets keys create failed: {short(made.stdout + made.stderr)}")
    host = McpHost(url, key) if key else None

    def refused(h, tool, arguments):
        """The tool answers isError, or an empty list: never the other project's data."""
        result = h.request("tools/call", {"name": tool, "arguments": arguments})
        text = (result.get("content") or [{}])[0].get("text", "")
        if result.get("isError"):
            return
        expect(text.strip() in ("[]", "{}"), f"{tool} answered foreign data: {short(text)}")

    def scoped_case(tool, case, body):
        def run(h):
            expect(host is not None, "not run: no scoped key (see NOTE) or no project")
            expect(other and other_ticket, "not run: needs the second project from an earlier case that failed")
            body(host)
        run_case(owner, tool, f"scoped key: {case}", run)

    def handshake_scoped(h):
        h.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                 "clientInfo": {"name": "leanrpc-interop", "version": "1"}})
        h.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def own_ticket(h):
        ticket = call_tool(h, "leantime_get_ticket", {"projectId": pid, "ticketId": STATE["ticket"]})
        expect(same_id(ticket.get("id"), STATE["ticket"]), f"own ticket not readable: {short(ticket)}")

    def projects(h):
        listed = call_tool(h, "leantime_list_projects", {})
        expect(find(listed, "id", pid) is not None, f"own project {pid} not listed: {short(listed)}")
        expect(find(listed, "id", other) is None, f"project {other} listed: {short(listed)}")

    def creates_own(h):
        out = call_tool(h, "leantime_create_ticket", {"projectId": pid, "headline": "Made with a scoped key", "unassigned": True})
        expect(out.get("id") not in (None, "", 0), f"no ticket id: {short(out)}")

    def timesheets(h):
        entries = call_tool(h, "leantime_list_timesheets", {"dateFrom": str(TODAY - datetime.timedelta(days=1)), "dateTo": str(TODAY)})
        expect(isinstance(entries, list), f"not a list: {short(entries)}")
        foreign = [e for e in entries if same_id(e.get("ticketId"), other_ticket)]
        expect(not foreign, f"time entries of project {other} listed: {short(foreign)}")

    def updates_other(h):
        refused(h, "leantime_update_ticket", {"ticketId": other_ticket, "headline": "Changed by a scoped key"})
        ticket = call_tool(owner, "leantime_get_ticket", {"projectId": other, "ticketId": other_ticket})
        expect(ticket.get("headline") == "Not for the scoped key", f"the ticket changed: {short(ticket)}")

    try:
        if host is not None:
            run_case(host, "mcp", "scoped key: initialize", handshake_scoped)
        scoped_case("leantime_get_ticket", "reads its own project's ticket", own_ticket)
        scoped_case("leantime_list_projects", "lists only its project", projects)
        scoped_case("leantime_create_ticket", "creates in its project", creates_own)
        scoped_case("leantime_get_project", "refused for another project",
                    lambda h: refused(h, "leantime_get_project", {"projectId": other}))
        scoped_case("leantime_get_ticket", "refused for another project",
                    lambda h: refused(h, "leantime_get_ticket", {"projectId": other, "ticketId": other_ticket}))
        scoped_case("leantime_list_tickets", "refused for another project",
                    lambda h: refused(h, "leantime_list_tickets", {"projectId": other}))
        scoped_case("leantime_list_comments", "refused for another project",
                    lambda h: refused(h, "leantime_list_comments", {"ticketId": other_ticket}))
        scoped_case("leantime_list_timesheets", "lists no other project's time", timesheets)
        scoped_case("leantime_create_ticket", "refused in another project",
                    lambda h: refused(h, "leantime_create_ticket", {"projectId": other, "headline": "Intruder", "unassigned": True}))
        scoped_case("leantime_update_ticket", "refused for another project", updates_other)
    finally:
        if host is not None:
            host.close()


def handshake(host):
    def initialize(h):
        result = h.request("initialize", {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "leanrpc-interop", "version": "1"}})
        expect(result.get("protocolVersion") == "2025-06-18", f"protocolVersion {result.get('protocolVersion')!r}")
        expect(result.get("serverInfo", {}).get("version") == "2.9.0", f"serverInfo {result.get('serverInfo')!r}")
        expect("tools" in result.get("capabilities", {}), f"no tools capability: {short(result)}")
        h.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def tools_list(h):
        tools = h.request("tools/list", {}).get("tools", [])
        names = [t.get("name") for t in tools]
        missing = sorted(set(EXPECTED_TOOLS) - set(names))
        expect(not missing, f"tools/list lacks {missing}")
        expect(all(isinstance(t.get("inputSchema"), dict) for t in tools), "a tool without inputSchema")

    run_case(host, "mcp", "initialize", initialize)
    run_case(host, "mcp", "tools/list", tools_list)


def main():
    url = BASE_URL
    server = None
    if not DIRECT:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        print(f"NOTE {CLIENT} wire: leantmcp -> recording proxy {url} -> {BASE_URL} (bytes unchanged)")
    host = McpHost(url, OWNER_KEY)
    try:
        handshake(host)
        for tool, case, body in cases():
            run_case(host, tool, case, body)
        doctor(url, host)
        scoped(url, host)
    finally:
        host.close()
        if server is not None:
            server.shutdown()

    print()
    print(f"{'tool':<34} {'pass':>4} {'fail':>4}")
    per_tool = {}
    for tool, _case, ok in RESULTS:
        passed, failed = per_tool.get(tool, (0, 0))
        per_tool[tool] = (passed + ok, failed + (not ok))
    for tool, (passed, failed) in per_tool.items():
        print(f"{tool:<34} {passed:>4} {failed:>4}  {'ok' if not failed else 'FAILS'}")
    passed = sum(1 for r in RESULTS if r[2])
    failed = len(RESULTS) - passed
    tools = {t: pf for t, pf in per_tool.items() if t.startswith("leantime_")}
    tools_ok = sum(1 for p, f in tools.values() if not f)
    print(f"leantime-mcp tools with every case passing: {tools_ok} of {len(tools)} called "
          f"({len(EXPECTED_TOOLS)} offered)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
