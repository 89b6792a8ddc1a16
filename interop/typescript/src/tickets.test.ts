// The client generated from the live `rpc.discover` document of a fresh tickets server (by
// `tickets typescript`, with the owner key), calling that server: typed results, the API key
// as `x-api-key`, a forbidden write with a readonly key, GET, a batch, a notification and a
// bad key.

import { JsonRpcError, TicketsClient } from "./tickets-client.js";
import type { Ticket } from "./tickets-client.js";
import { check, env, rejection, same } from "./check.js";

const url = env("LEANRPC_URL");
const owner = new TicketsClient({ url, apiKey: env("LEANRPC_OWNER_KEY") });
const readonly = new TicketsClient({ url, apiKey: env("LEANRPC_READONLY_KEY") });
const project = Number(env("LEANRPC_PROJECT"));
const headline = "Typed from TypeScript: é 😀";

let ticketId = 0;

await check("allowed-call", async () => {
  // A write with the owner key, then the typed read with the readonly key (project 1 only).
  ticketId = await owner.leantime.rpc.tickets.addTicket({ values: { projectId: project, headline } });
  if (!Number.isInteger(ticketId) || ticketId < 1) throw new Error(`addTicket answered ${ticketId}`);
  const ticket: Ticket = await readonly.leantime.rpc.tickets.getTicket({ id: ticketId });
  same([ticket.id, ticket.projectId, ticket.headline, ticket.status, ticket.statusLabel], [ticketId, project, headline, 3, "New"], "the ticket");
  const all = await readonly.leantime.rpc.tickets.getAll({ searchCriteria: { currentProject: project }, limit: 100 });
  if (!all.some((t) => t.id === ticketId && t.headline === headline)) throw new Error("getAll does not list it");
});

await check("forbidden-call", async () => {
  const error = await rejection(
    readonly.leantime.rpc.tickets.addTicket({ values: { projectId: project, headline: "not allowed" } }),
    "a write with a readonly key",
  );
  if (!(error instanceof JsonRpcError)) throw new Error(`not a JsonRpcError: ${String(error)}`);
  same(error.code, -32001, "code");
  if (!error.message.includes("editor")) throw new Error(`the message does not say the role: ${error.message}`);
  // Nothing was written.
  const all = await owner.leantime.rpc.tickets.getAll({ searchCriteria: { currentProject: project } });
  if (all.some((t) => t.headline === "not allowed")) throw new Error("the forbidden write happened");
});

await check("get-call", async () => {
  const viaGet = new TicketsClient({ url, apiKey: env("LEANRPC_READONLY_KEY"), method: "GET" });
  const ticket = await viaGet.leantime.rpc.tickets.getTicket({ id: ticketId });
  same([ticket.id, ticket.headline], [ticketId, headline], "the ticket by GET");
});

await check("batch", async () => {
  const [ticket, labels, missing] = await readonly.$batch((api) => [
    api.leantime.rpc.tickets.getTicket({ id: ticketId }),
    api.leantime.rpc.tickets.getStatusLabels(),
    api.leantime.rpc.tickets.getTicket({ id: ticketId + 1000 }),
  ]);
  if (!ticket.ok) throw new Error(`getTicket: ${ticket.error.message}`);
  same(ticket.result.headline, headline, "the ticket");
  if (!labels.ok) throw new Error(`getStatusLabels: ${labels.error.message}`);
  same(labels.result["3"]?.name, "New", "status 3");
  if (missing.ok) throw new Error(`a missing ticket answered ${JSON.stringify(missing.result)}`);
  same(missing.error.code, -32002, "the missing ticket's code");
});

await check("notification", async () => {
  await owner.$notify.leantime.rpc.tickets.updateTicket({ values: { id: ticketId, status: 4 } });
  // The server ran it before answering the (empty) HTTP response.
  const ticket = await owner.leantime.rpc.tickets.getTicket({ id: ticketId });
  same([ticket.status, ticket.statusLabel], [4, "In Progress"], "status after the notification");
});

await check("bad-key", async () => {
  const stranger = new TicketsClient({ url, apiKey: "lt_AAAAAAAAAAAA_nope" });
  const error = await rejection(stranger.leantime.rpc.tickets.getTicket({ id: ticketId }), "a bad key");
  if (!(error instanceof JsonRpcError)) throw new Error(`not a JsonRpcError: ${String(error)}`);
  same([error.code, error.status], [-32001, 401], "code and HTTP status");
});
