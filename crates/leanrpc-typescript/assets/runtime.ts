// ---- runtime: the transport, errors and batches (the same in every generated client) ----

/** How a client reaches the server (`undefined` means the default, so `process.env.KEY` fits `apiKey`). */
export interface RpcClientOptions {
  /** The JSON-RPC endpoint, e.g. `http://127.0.0.1:8080/api/jsonrpc`. */
  url: string;
  /** The API key, sent as the `x-api-key` header. */
  apiKey?: string | undefined;
  /** Milliseconds to wait for each answer before failing with an `RpcTransportError` (default 30000; 0 waits forever). */
  timeoutMs?: number | undefined;
  /**
   * `"POST"` (the default) sends each call as a JSON body; `"GET"` sends it in the query string
   * (`method`, `jsonrpc`, `id`, and `params` as base64 JSON), as Leantime reads it. Batches are
   * always POSTed.
   */
  method?: "POST" | "GET" | undefined;
  /** More headers for every request. */
  headers?: Record<string, string> | undefined;
  /** The `fetch` to send with (default: the global `fetch`). */
  fetch?: typeof fetch | undefined;
}

/** An error the server answered: a JSON-RPC error object, with its code, message and data. */
export class JsonRpcError extends Error {
  /** The JSON-RPC error code, e.g. -32001 (unauthorized or forbidden) or -32602 (invalid params). */
  readonly code: number;
  /** The error's `data` member (`undefined` when the server sent none). */
  readonly data: unknown;
  /** The HTTP status of the answer that carried it (401 for a missing or unknown key). */
  readonly status: number;

  constructor(code: number, message: string, data: unknown, status: number) {
    super(message);
    this.name = "JsonRpcError";
    this.code = code;
    this.data = data;
    this.status = status;
  }
}

/** No JSON-RPC answer came back: the server was unreachable, too slow, or answered something else. */
export class RpcTransportError extends Error {
  /** The HTTP status, when an HTTP answer came. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "RpcTransportError";
    this.status = status;
  }
}

/** One call of a batch: what the methods of `$batch`'s argument return. */
export interface RpcPending<R> {
  /** The full method name. */
  readonly method: string;
  /** The params as sent. */
  readonly params: unknown;
  /** Never set: carries the result type. */
  readonly __result?: R;
}

/** The answer to one call of a batch: its result, or the error the server answered for it. */
export type RpcSettled<R> = { ok: true; result: R } | { ok: false; error: JsonRpcError };

/** What a generated method returns: a call, a batch entry, or a notification. */
export type RpcKind = "call" | "batch" | "notify";

/** The params a method takes (`undefined` allowed when none is required). */
export type RpcArgs<M extends keyof RpcMethods> = RpcMethods[M]["optional"] extends true
  ? [params?: RpcMethods[M]["params"]]
  : [params: RpcMethods[M]["params"]];

/** The params object of method `M`. */
export type RpcParams<M extends keyof RpcMethods> = RpcMethods[M]["params"];

/** The result of method `M`. */
export type RpcResult<M extends keyof RpcMethods> = RpcMethods[M]["result"];

/** One generated method, as a call, a batch entry or a notification. */
export type RpcFn<K extends RpcKind, M extends keyof RpcMethods> = (
  ...args: RpcArgs<M>
) => K extends "call"
  ? Promise<RpcMethods[M]["result"]>
  : K extends "batch"
    ? RpcPending<RpcMethods[M]["result"]>
    : Promise<void>;

/** Params of a method whose params the document does not describe: an object or an array. */
export type RpcAnyParams = { [name: string]: unknown } | unknown[];

/** A method's full name and, when it takes its params by position only, their names in order. */
type RpcMethodInfo = readonly [name: string, positional: readonly string[] | null];

type RpcSettings = {
  url: string;
  apiKey: string | undefined;
  timeoutMs: number;
  method: "POST" | "GET";
  headers: Record<string, string>;
  fetch: typeof fetch;
};

type RpcCall = { method: string; params: unknown; id?: number };

function rpcIsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Named params as the method takes them: by name as given, or in order for a by-position method. */
function rpcEncodeParams(params: unknown, positional: readonly string[] | null): unknown {
  if (positional === null || !rpcIsObject(params)) {
    return params;
  }
  const values = positional.map((name) => (params[name] === undefined ? null : params[name]));
  while (values.length > 0 && values[values.length - 1] === null) {
    values.pop();
  }
  return values;
}

function rpcEnvelope(call: RpcCall): Record<string, unknown> {
  const envelope: Record<string, unknown> = { jsonrpc: "2.0", method: call.method };
  if (call.params !== undefined) {
    envelope["params"] = call.params;
  }
  if (call.id !== undefined) {
    envelope["id"] = call.id;
  }
  return envelope;
}

/** UTF-8 JSON as standard base64, the form of a GET call's `params`. */
function rpcBase64Json(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (let i = 0; i < bytes.length; i++) {
    binary += String.fromCharCode(bytes[i] ?? 0);
  }
  return btoa(binary);
}

function rpcQuery(call: RpcCall): string {
  let query = `method=${encodeURIComponent(call.method)}&jsonrpc=2.0`;
  if (call.id !== undefined) {
    query += `&id=${call.id}`;
  }
  if (call.params !== undefined) {
    query += `&params=${encodeURIComponent(rpcBase64Json(call.params))}`;
  }
  return query;
}

function rpcExcerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** A JSON-RPC error object as a `JsonRpcError`, or `undefined` when `value` is not one. */
function rpcError(value: unknown, status: number): JsonRpcError | undefined {
  if (!rpcIsObject(value) || typeof value["code"] !== "number" || typeof value["message"] !== "string") {
    return undefined;
  }
  return new JsonRpcError(value["code"], value["message"], value["data"], status);
}

function rpcParse(status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RpcTransportError(`HTTP ${status}: the answer is not JSON: ${rpcExcerpt(text)}`, status);
  }
}

/** One answer object: its result, or the `JsonRpcError` it carries thrown. */
function rpcResult(answer: unknown, status: number, id: number | undefined): unknown {
  if (!rpcIsObject(answer) || answer["jsonrpc"] !== "2.0") {
    throw new RpcTransportError(`HTTP ${status}: not a JSON-RPC 2.0 answer: ${rpcExcerpt(JSON.stringify(answer))}`, status);
  }
  if ("error" in answer) {
    const error = rpcError(answer["error"], status);
    if (error === undefined) {
      throw new RpcTransportError(`HTTP ${status}: a malformed error object: ${rpcExcerpt(JSON.stringify(answer))}`, status);
    }
    throw error;
  }
  if (status < 200 || status > 299) {
    throw new RpcTransportError(`HTTP ${status} with a result`, status);
  }
  if (id !== undefined && answer["id"] !== id) {
    throw new RpcTransportError(`the answer's id ${JSON.stringify(answer["id"])} is not the call's id ${id}`, status);
  }
  if (!("result" in answer)) {
    throw new RpcTransportError(`HTTP ${status}: an answer with neither result nor error`, status);
  }
  return answer["result"];
}

/** Builds the tree of methods (`leantime.rpc.tickets.getTicket` as `.leantime.rpc.tickets.getTicket`) on `root`. */
function rpcTree(root: object, methods: readonly RpcMethodInfo[], make: (info: RpcMethodInfo) => Function): void {
  type Node = { info?: RpcMethodInfo; children: Map<string, Node> };
  const top: Node = { children: new Map() };
  for (const info of methods) {
    let node = top;
    for (const segment of info[0].split(".")) {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.info = info;
  }
  // Properties are defined, not assigned, so that a segment such as `__proto__` or `name` is an
  // ordinary own property of the object or function it hangs on.
  const build = (node: Node, target: object): void => {
    for (const [segment, child] of node.children) {
      const value: object = child.info === undefined ? {} : make(child.info);
      build(child, value);
      Object.defineProperty(target, segment, { value, enumerable: true, configurable: true });
    }
  };
  build(top, root);
}

/** The transport and the generic calls under every generated client class. */
export abstract class RpcClientCore {
  readonly #settings: RpcSettings;
  #nextId = 1;
  readonly #batchApi: RpcApi<"batch">;
  /** The same methods as notifications: the server runs the call and answers nothing, not even an error. */
  readonly $notify: RpcApi<"notify">;

  protected constructor(options: RpcClientOptions, methods: readonly RpcMethodInfo[]) {
    if (typeof options.url !== "string" || !/^https?:\/\//i.test(options.url)) {
      throw new TypeError(`RpcClientOptions.url must be an http:// or https:// URL, got ${JSON.stringify(options.url)}`);
    }
    const timeoutMs = options.timeoutMs ?? 30000;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new TypeError(`RpcClientOptions.timeoutMs must be 0 (no limit) or more, got ${timeoutMs}`);
    }
    const method = options.method ?? "POST";
    if (method !== "POST" && method !== "GET") {
      throw new TypeError(`RpcClientOptions.method must be "POST" or "GET", got ${JSON.stringify(method)}`);
    }
    this.#settings = {
      url: options.url,
      apiKey: options.apiKey,
      timeoutMs,
      method,
      headers: { ...options.headers },
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    };
    rpcTree(this, methods, (info) => (params?: unknown) => this.#call(info[0], rpcEncodeParams(params, info[1])));
    const batchApi = {};
    rpcTree(batchApi, methods, (info) => (params?: unknown): RpcPending<unknown> => ({
      method: info[0],
      params: rpcEncodeParams(params, info[1]),
    }));
    this.#batchApi = batchApi as RpcApi<"batch">;
    const notifyApi = {};
    rpcTree(notifyApi, methods, (info) => (params?: unknown) => this.#notify(info[0], rpcEncodeParams(params, info[1])));
    this.$notify = notifyApi as RpcApi<"notify">;
  }

  /** Calls a method by its full name: typed for the methods of the document, untyped for any other. */
  $call<M extends keyof RpcMethods>(method: M, ...args: RpcArgs<M>): Promise<RpcResult<M>>;
  $call<N extends string>(method: N extends keyof RpcMethods ? never : N, params?: RpcAnyParams): Promise<unknown>;
  $call(method: string, params?: unknown): Promise<unknown> {
    return this.#call(method, params);
  }

  /**
   * Sends several calls in one request (always POST) and returns each answer in the order of the
   * calls: `const [a, b] = await client.$batch((api) => [api.x.getA({ id: 1 }), api.x.getB()])`.
   * A call the server refused is `{ ok: false, error }`; the promise rejects only when the whole
   * request failed (no answer, a bad key).
   */
  async $batch<T extends readonly RpcPending<unknown>[]>(
    build: (api: RpcApi<"batch">) => readonly [...T],
  ): Promise<{ -readonly [I in keyof T]: T[I] extends RpcPending<infer R> ? RpcSettled<R> : never }> {
    type Answers = { -readonly [I in keyof T]: T[I] extends RpcPending<infer R> ? RpcSettled<R> : never };
    const calls = build(this.#batchApi);
    if (calls.length === 0) {
      return [] as unknown as Answers;
    }
    const ids = calls.map(() => this.#nextId++);
    const body = JSON.stringify(calls.map((call, i) => rpcEnvelope({ method: call.method, params: call.params, id: ids[i] ?? 0 })));
    const { status, text } = await this.#send({ body });
    const answer = rpcParse(status, text);
    if (!Array.isArray(answer)) {
      // The whole request was refused (a bad key, a limit): one error for all.
      rpcResult(answer, status, undefined);
      throw new RpcTransportError(`HTTP ${status}: a batch answered with ${rpcExcerpt(text)}`, status);
    }
    const byId = new Map<unknown, unknown>();
    for (const item of answer) {
      if (rpcIsObject(item)) {
        byId.set(item["id"], item);
      }
    }
    return ids.map((id): RpcSettled<unknown> => {
      if (!byId.has(id)) {
        throw new RpcTransportError(`the batch's answer has no answer for call id ${id}: ${rpcExcerpt(text)}`, status);
      }
      try {
        return { ok: true, result: rpcResult(byId.get(id), status, id) };
      } catch (error) {
        if (error instanceof JsonRpcError) {
          return { ok: false, error };
        }
        throw error;
      }
    }) as unknown as Answers;
  }

  async #call(method: string, params: unknown): Promise<unknown> {
    const id = this.#nextId++;
    const call = { method, params, id };
    const { status, text } = await this.#send(this.#settings.method === "GET" ? { query: rpcQuery(call) } : { body: JSON.stringify(rpcEnvelope(call)) });
    return rpcResult(rpcParse(status, text), status, id);
  }

  async #notify(method: string, params: unknown): Promise<void> {
    const call = { method, params };
    const { status, text } = await this.#send(this.#settings.method === "GET" ? { query: rpcQuery(call) } : { body: JSON.stringify(rpcEnvelope(call)) });
    if (status < 200 || status > 299) {
      // Refused before it ran (a bad key): the server says why in a JSON-RPC error.
      rpcResult(rpcParse(status, text), status, undefined);
      throw new RpcTransportError(`HTTP ${status}: ${rpcExcerpt(text)}`, status);
    }
  }

  async #send(request: { body: string } | { query: string }): Promise<{ status: number; text: string }> {
    const settings = this.#settings;
    const headers: Record<string, string> = { accept: "application/json", ...settings.headers };
    if (settings.apiKey !== undefined) {
      headers["x-api-key"] = settings.apiKey;
    }
    let url = settings.url;
    const controller = new AbortController();
    const init: RequestInit = { headers, signal: controller.signal };
    if ("body" in request) {
      init.method = "POST";
      headers["content-type"] = "application/json";
      init.body = request.body;
    } else {
      init.method = "GET";
      url += (url.includes("?") ? "&" : "?") + request.query;
    }
    const timer: ReturnType<typeof setTimeout> | undefined =
      settings.timeoutMs > 0 ? setTimeout(() => controller.abort(), settings.timeoutMs) : undefined;
    try {
      const response = await settings.fetch(url, init);
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (controller.signal.aborted) {
        throw new RpcTransportError(`no answer from ${settings.url} within ${settings.timeoutMs} ms`, undefined, error);
      }
      throw new RpcTransportError(`could not reach ${settings.url}: ${String(error)}`, undefined, error);
    } finally {
      if (timer !== undefined) {
        clearTimeout(timer);
      }
    }
  }
}
