// The client generated from crates/leanrpc-typescript/tests/fixtures/edge.json (names that are
// reserved words, quoted, `__proto__`, `constructor`, a method that is also a namespace, a
// by-position method, raw params), run against a fake `fetch` that records each request and
// answers as a server would. The `@ts-expect-error` lines are part of the test: `tsc` fails
// if the generated types let any of them through.

import { EdgeClient, JsonRpcError, RpcTransportError } from "./edge-client.js";
import type { RpcClientOptions, RpcParams, RpcResult, a_b } from "./edge-client.js";
import { check, rejection, same } from "./check.js";

type Sent = { url: string; method: string; headers: Record<string, string>; body: unknown };

/** A fake server: records each request, answers `answer(request)` (JSON, or text as is). */
function fakeFetch(sent: Sent[], answer: (request: Sent) => { status?: number; body: unknown }): typeof fetch {
  return async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    const request = { url: String(input), method: init?.method ?? "GET", headers, body };
    sent.push(request);
    const { status, body: reply } = answer(request);
    const text = typeof reply === "string" ? reply : JSON.stringify(reply);
    return new Response(text, { status: status ?? 200, headers: { "content-type": "application/json" } });
  };
}

/** Echoes each call's method and params back as its result. */
function echo(request: Sent): { body: unknown } {
  const one = (call: unknown) => {
    const c = call as { method: string; params?: unknown; id?: number };
    return { jsonrpc: "2.0", result: { method: c.method, params: c.params ?? "(absent)" }, id: c.id };
  };
  return { body: Array.isArray(request.body) ? request.body.map(one) : one(request.body) };
}

const URL = "http://127.0.0.1:9/api/jsonrpc";

// --- types only: what the generated signatures accept and return -----------------------------

async function typesOnly(client: EdgeClient): Promise<void> {
  const n: null = await client.a.b();
  const list: unknown[] = await client.a.b.c({ x: 1 });
  const name: string = await client.f.name();
  const length: string = await client.f.length();
  const node = await client.__proto__.toString();
  const children: { children: unknown[]; label?: string | null }[] = node.children;
  const c = await client.constructor({ v: [1, "a"] });
  const id: number = c.id;
  const quoted: "a" | 1 | null = await client.q['"quoted" name']();
  const ab: a_b = await client["x-y"]["get-it"]({ default: { "k*/": 1 } });
  const params: RpcParams<"a.b.c"> = { x: 1, y: "y" };
  const result: RpcResult<"tickets.delete"> = true;
  const raw: unknown = await client.raw({ anything: [1] });
  const none: void = await client.ns.noResult();
  void [n, list, name, length, children, id, quoted, ab, params, result, raw, none];
  // @ts-expect-error: x is required
  await client.a.b.c({ y: "y" });
  // @ts-expect-error: x is a number
  await client.a.b.c({ x: "1" });
  // @ts-expect-error: params are required
  await client.tickets.delete();
  // @ts-expect-error: a method without params takes none
  await client.a.b({ extra: 1 });
  // @ts-expect-error: the result is a boolean
  const wrong: string = await client.tickets.delete({ id: 1 });
  // @ts-expect-error: no such method
  await client.tickets.remove({ id: 1 });
  // @ts-expect-error: "z" is not one of the enum's values
  const notQuoted: "z" = await client.q['"quoted" name']();
  void [wrong, notQuoted];
  // @ts-expect-error: the tuple's second member is a string
  await client.constructor({ v: [1, 2] });
  const [deleted, labels] = await client.$batch((api) => [api.tickets.delete({ id: 1 }), api.f.name()]);
  if (deleted.ok && labels.ok) {
    const d: boolean = deleted.result;
    const l: string = labels.result;
    void [d, l];
  } else if (!deleted.ok) {
    const code: number = deleted.error.code;
    void code;
  }
  // @ts-expect-error: a batch answer must be checked before its result is read
  const unchecked: boolean = deleted.result;
  void unchecked;
  const typed: boolean = await client.$call("tickets.delete", { id: 2 });
  // @ts-expect-error: the typed $call checks params too
  await client.$call("tickets.delete", { id: "2" });
  const untyped: unknown = await client.$call("not.listed", [1, 2]);
  const notified: void = await client.$notify.tickets.delete({ id: 3 });
  void [typed, untyped, notified];
}
void typesOnly;

// --- run time ----------------------------------------------------------------------------------

await check("edge tree", async () => {
  const sent: Sent[] = [];
  const client = new EdgeClient({ url: URL, apiKey: "lt_k", fetch: fakeFetch(sent, echo) });
  const calls: [unknown, unknown][] = [
    [await client.a.b(), { method: "a.b", params: "(absent)" }],
    [await client.a.b.c({ x: 1, z: true }), { method: "a.b.c", params: [1, null, true] }],
    [await client.a.b.c({ x: 2 }), { method: "a.b.c", params: [2] }],
    [await client.tickets.delete({ id: 3 }), { method: "tickets.delete", params: { id: 3 } }],
    [await client["x-y"]["get-it"]({ default: "x" }), { method: "x-y.get-it", params: { default: "x" } }],
    [await client.f(), { method: "f", params: "(absent)" }],
    [await client.f.name(), { method: "f.name", params: "(absent)" }],
    [await client.f.length(), { method: "f.length", params: "(absent)" }],
    [await client.__proto__.toString(), { method: "__proto__.toString", params: "(absent)" }],
    [await client.constructor({ v: [1, "a"] }), { method: "constructor", params: { v: [1, "a"] } }],
    [await client.q['"quoted" name'](), { method: 'q."quoted" name', params: "(absent)" }],
    [await client.raw([1, 2]), { method: "raw", params: [1, 2] }],
  ];
  calls.forEach(([actual, expected], i) => same(actual, expected, `call ${i}`));
  // Defined, not assigned: `__proto__` is an own property, and the client's prototype is intact.
  same(Object.keys(client).includes("__proto__"), true, "__proto__ is an own property");
  same(client instanceof EdgeClient, true, "instanceof");
  same(sent.map((r) => r.method), Array(calls.length).fill("POST"), "verbs");
  same(sent[0]?.headers["x-api-key"], "lt_k", "x-api-key");
  same(sent[0]?.headers["content-type"], "application/json", "content-type");
  same(sent.map((r) => (r.body as { id: number }).id), calls.map((_, i) => i + 1), "ids");
});

await check("edge get", async () => {
  const sent: Sent[] = [];
  const client = new EdgeClient({ url: URL, method: "GET", fetch: fakeFetch(sent, () => ({ body: { jsonrpc: "2.0", result: "ok", id: 1 } })) });
  same(await client.ns.utf8({ text: "é 😀 +/=" }), "ok", "result");
  const url = new globalThis.URL(sent[0]?.url ?? "");
  same(sent[0]?.method, "GET", "verb");
  same(url.searchParams.get("method"), "ns.utf8", "method");
  same(url.searchParams.get("jsonrpc"), "2.0", "jsonrpc");
  same(url.searchParams.get("id"), "1", "id");
  // params: standard base64 of the UTF-8 JSON, url-encoded (so a `+` survives).
  const base64 = url.searchParams.get("params") ?? "";
  const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  same(JSON.parse(json), { text: "é 😀 +/=" }, "params");
  same(sent[0]?.headers["x-api-key"], undefined, "no key when none is given");
});

await check("edge errors", async () => {
  const sent: Sent[] = [];
  let reply: { status?: number; body: unknown } = { body: "" };
  const client = new EdgeClient({ url: URL, fetch: fakeFetch(sent, () => reply) });
  reply = { body: { jsonrpc: "2.0", error: { code: -32002, message: "Not found", data: { id: 4 } }, id: 1 } };
  const notFound = await rejection(client.tickets.delete({ id: 4 }), "an error answer");
  if (!(notFound instanceof JsonRpcError)) throw new Error(`not a JsonRpcError: ${String(notFound)}`);
  same([notFound.code, notFound.message, notFound.data, notFound.status], [-32002, "Not found", { id: 4 }, 200], "error");
  reply = { status: 401, body: { jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized" }, id: 2 } };
  const unauthorized = await rejection(client.tickets.delete({ id: 4 }), "a 401");
  if (!(unauthorized instanceof JsonRpcError)) throw new Error(`not a JsonRpcError: ${String(unauthorized)}`);
  same([unauthorized.code, unauthorized.status, unauthorized.data], [-32001, 401, undefined], "401");
  reply = { status: 502, body: "<html>bad gateway</html>" };
  const gateway = await rejection(client.tickets.delete({ id: 4 }), "not JSON");
  if (!(gateway instanceof RpcTransportError)) throw new Error(`not an RpcTransportError: ${String(gateway)}`);
  same(gateway.status, 502, "status");
  reply = { body: { jsonrpc: "2.0", result: true, id: 999 } };
  const wrongId = await rejection(client.tickets.delete({ id: 4 }), "a wrong id");
  if (!(wrongId instanceof RpcTransportError) || !wrongId.message.includes("not the call's id")) {
    throw new Error(`wrong id: ${String(wrongId)}`);
  }
  const never: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(new Error("aborted"))));
  const slow = new EdgeClient({ url: URL, timeoutMs: 20, fetch: never });
  const timedOut = await rejection(slow.f(), "a timeout");
  if (!(timedOut instanceof RpcTransportError) || !timedOut.message.includes("within 20 ms")) {
    throw new Error(`timeout: ${String(timedOut)}`);
  }
  const bads: RpcClientOptions[] = [{ url: "ftp://x" }, { url: URL, timeoutMs: -1 }];
  for (const bad of bads) {
    let threw = false;
    try {
      new EdgeClient(bad);
    } catch (error) {
      threw = error instanceof TypeError;
    }
    same(threw, true, `options ${JSON.stringify(bad)} refused`);
  }
});

await check("edge batch", async () => {
  const sent: Sent[] = [];
  // Answers in reverse order, one an error: each goes back to its call.
  const client = new EdgeClient({
    url: URL,
    method: "GET",
    fetch: fakeFetch(sent, (request) => {
      const calls = request.body as { id: number; method: string }[];
      return {
        body: calls
          .map((c) => (c.method === "f.name" ? { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: c.id } : { jsonrpc: "2.0", result: c.method, id: c.id }))
          .reverse(),
      };
    }),
  });
  const [a, b, c] = await client.$batch((api) => [api.f(), api.f.name(), api.a.b.c({ x: 1 })]);
  same([a, c], [{ ok: true, result: "f" }, { ok: true, result: "a.b.c" }], "results");
  if (b.ok || b.error.code !== -32601) throw new Error(`the error: ${JSON.stringify(b)}`);
  same(sent.length, 1, "one request");
  same(sent[0]?.method, "POST", "batches are POSTed");
  same(sent[0]?.body, [
    { jsonrpc: "2.0", method: "f", id: 1 },
    { jsonrpc: "2.0", method: "f.name", id: 2 },
    { jsonrpc: "2.0", method: "a.b.c", params: [1], id: 3 },
  ], "the batch");
  same(await client.$batch(() => []), [], "an empty batch sends nothing");
  same(sent.length, 1, "still one request");
});

await check("edge notify", async () => {
  const sent: Sent[] = [];
  const client = new EdgeClient({ url: URL, fetch: fakeFetch(sent, () => ({ body: "" })) });
  same(await client.$notify.tickets.delete({ id: 5 }), undefined, "no result");
  same(sent[0]?.body, { jsonrpc: "2.0", method: "tickets.delete", params: { id: 5 } }, "no id");
});
