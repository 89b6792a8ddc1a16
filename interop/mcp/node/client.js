// The official MCP TypeScript SDK (@modelcontextprotocol/sdk 1.32.2) against the tickets
// server's MCP endpoint. Run by interop/mcp/run.sh.
//
// For each protocol revision the SDK speaks (2025-11-25, its newest, and 2025-06-18) and for an
// owner key and a readonly key limited to project 1, it lists the tools, calls getTicket and
// addTicket (Leantime's `values` shape), a forbidden call and a call with bad arguments, and
// prints `PASS|FAIL node <revision> <key> <case>` lines.
//
// Environment: MCP_URL, MCP_OWNER_KEY, MCP_READONLY_KEY, MCP_TICKET (a ticket of project 1),
// MCP_HEADLINE (its headline), MCP_FOREIGN_TICKET (a ticket of project 2).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

const URL_ = new URL(process.env.MCP_URL);
const KEYS = { owner: process.env.MCP_OWNER_KEY, readonly: process.env.MCP_READONLY_KEY };
const TICKET = Number(process.env.MCP_TICKET);
const HEADLINE = process.env.MCP_HEADLINE;
const FOREIGN = Number(process.env.MCP_FOREIGN_TICKET);

let failed = 0;
const report = (ok, label, why) => {
  if (ok) {
    console.log(`PASS node ${label}`);
  } else {
    failed += 1;
    console.log(`FAIL node ${label}: ${why}`);
  }
};
const errorOf = (result) => JSON.parse(result.content[0].text).error;

// The SDK offers its newest revision (2025-11-25) in `initialize`; it speaks 2025-06-18 too,
// when the server answers with that. To have it speak 2025-06-18, this fetch offers that
// revision instead: the server answers with it and the SDK then sends it on every request.
const offering = (version) => async (url, init) => {
  if (version && typeof init?.body === 'string' && init.body.includes('"method":"initialize"')) {
    const body = JSON.parse(init.body);
    body.params.protocolVersion = version;
    init = { ...init, body: JSON.stringify(body) };
  }
  return fetch(url, init);
};

async function run(revision, who) {
  const label = `${revision} ${who}`;
  const key = KEYS[who];
  const headers = who === 'owner' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };
  const transport = new StreamableHTTPClientTransport(URL_, {
    requestInit: { headers },
    fetch: offering(revision === '2025-11-25' ? null : revision),
  });
  const client = new Client({ name: 'leanrpc-interop', version: '1.0.0' });
  await client.connect(transport);
  try {
    report(
      transport.protocolVersion === revision,
      `${label} negotiated`,
      `negotiated ${transport.protocolVersion}, expected ${revision}`,
    );
    const { tools } = await client.listTools();
    const names = new Set(tools.map((t) => t.name));
    const writes = tools.filter((t) => !t.annotations?.readOnlyHint).map((t) => t.name);
    const getTicket = tools.find((t) => t.name === 'tickets_getTicket');
    report(
      getTicket && JSON.stringify(getTicket.inputSchema.required) === '["id"]' &&
        getTicket.outputSchema && getTicket.annotations?.readOnlyHint === true,
      `${label} list-tools`,
      `tickets_getTicket missing or mis-described among ${tools.length} tools`,
    );
    if (who === 'owner') {
      report(names.has('tickets_addTicket') && names.has('tickets_delete'), `${label} list-tools-writes`,
        'the owner does not see the write tools');
    } else {
      report(writes.length === 0 && !names.has('tickets_addTicket'), `${label} list-tools-no-writes`,
        `a readonly key sees write tools: ${writes}`);
    }

    let result = await client.callTool({ name: 'tickets_getTicket', arguments: { id: TICKET } });
    const sc = result.structuredContent ?? {};
    report(
      !result.isError && sc.id === TICKET && sc.headline === HEADLINE &&
        JSON.stringify(JSON.parse(result.content[0].text)) === JSON.stringify(sc),
      `${label} getTicket`, `answered ${JSON.stringify(result)}`,
    );

    const values = { projectId: 1, headline: `made over MCP by node (${revision}, ${who})`, priority: '2' };
    result = await client.callTool({ name: 'tickets_addTicket', arguments: { values } });
    if (who === 'owner') {
      const id = result.structuredContent?.result;
      let ok = !result.isError && Number.isInteger(id) && id > TICKET;
      if (ok) {
        const made = (await client.callTool({ name: 'tickets_getTicket', arguments: { id } })).structuredContent;
        ok = made?.headline === values.headline && made?.priority === 2;
      }
      report(ok, `${label} addTicket`, `answered ${JSON.stringify(result)}`);
    } else {
      report(result.isError && errorOf(result).code === -32001, `${label} addTicket-refused`,
        `a readonly key's addTicket answered ${JSON.stringify(result)}`);
    }

    if (who === 'owner') {
      try {
        result = await client.callTool({ name: 'tickets_dropDatabase', arguments: {} });
        report(false, `${label} forbidden-call`, `an unknown tool answered ${JSON.stringify(result)}`);
      } catch (error) {
        report(error instanceof McpError && error.code === -32602, `${label} forbidden-call`, `threw ${error}`);
      }
    } else {
      result = await client.callTool({ name: 'tickets_getTicket', arguments: { id: FOREIGN } });
      report(result.isError && [-32001, -32002].includes(errorOf(result).code) && !result.structuredContent,
        `${label} forbidden-call`, `a ticket of project 2 answered ${JSON.stringify(result)}`);
    }

    result = await client.callTool({ name: 'tickets_getTicket', arguments: { id: 'not a number' } });
    const err = result.isError ? errorOf(result) : {};
    report(result.isError && err.code === -32602 && JSON.stringify(err).includes('id'), `${label} bad-arguments`,
      `answered ${JSON.stringify(result)}`);
  } finally {
    await client.close();
  }
}

for (const revision of ['2025-11-25', '2025-06-18']) {
  for (const who of ['owner', 'readonly']) {
    try {
      await run(revision, who);
    } catch (error) {
      report(false, `${revision} ${who} session`, String(error?.stack ?? error).replaceAll('\n', ' | ').slice(0, 1500));
    }
  }
}
console.log(`node: ${failed} failed`);
process.exit(failed ? 1 : 0);
