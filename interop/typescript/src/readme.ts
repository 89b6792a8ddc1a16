// The README's TypeScript example: run.sh checks that README.md shows exactly the lines after
// the marker, and tsc compiles them with the generated client (they are not run: they expect a
// server on port 8080).
declare const process: { env: Record<string, string | undefined> };
// ---- README ----
import { JsonRpcError, TicketsClient } from "./tickets-client.js";

const client = new TicketsClient({ url: "http://127.0.0.1:8080/api/jsonrpc", apiKey: process.env.KEY });
const id = await client.leantime.rpc.tickets.addTicket({ values: { projectId: 1, headline: "Fix login" } });
const ticket = await client.leantime.rpc.tickets.getTicket({ id }); // a `Ticket`
console.log(ticket.headline, ticket.statusLabel);
// Several calls in one request, each answer { ok: true, result } or { ok: false, error }, in order.
const [again, labels] = await client.$batch((api) => [
  api.leantime.rpc.tickets.getTicket({ id }),
  api.leantime.rpc.tickets.getStatusLabels(),
]);
if (again.ok && labels.ok) console.log(again.result.headline, labels.result["3"]?.name);
await client.$notify.leantime.rpc.tickets.updateTicket({ values: { id, status: 4 } });
try {
  await client.leantime.rpc.tickets.getTicket({ id: 999 });
} catch (error) {
  if (error instanceof JsonRpcError) console.log(error.code, error.message); // -32002 Not found
}
