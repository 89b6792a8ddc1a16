'use strict';
// jayson's HTTP client against the tickets server (run by interop/run.sh).
//
// jayson sends `Content-Type: application/json; charset=utf-8` and random UUID ids; `id: null`
// makes a notification; a request built without a callback is a raw object, and an array of
// those is a batch. The 'http request' event hands over the request jayson really sent.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const jayson = require('jayson');

const CLIENT = 'node-jayson';
const URL_ = new URL(process.env.LEANRPC_URL);
const KEY = process.env.LEANRPC_KEY;
const OWN_TICKET = Number(process.env.LEANRPC_TICKET);
const TICKET9_HEADLINE = process.env.LEANRPC_TICKET9_HEADLINE;
const MISSING_TICKET = 999999;
const GET_TICKET = 'leantime.rpc.tickets.getTicket';
const UPDATE_TICKET = 'leantime.rpc.tickets.updateTicket';
const GET_PROJECT = 'leantime.rpc.projects.getProject';
const GET_ALL_PROJECTS = 'leantime.rpc.projects.getAll';
// Leantime's status ids: 3 new, 1 blocked, 4 in progress, 2 waiting, 0 done, -1 archived.
const STATUS_NEW = 3;
const STATUS_DONE = 0;
const NOT_FOUND = -32002;
const UNAUTHORIZED = -32001;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let failed = 0;
const note = (c, text) => console.log(`NOTE ${CLIENT} ${c}: ${text}`);

async function run(name, fn) {
  try {
    await fn();
    console.log(`PASS ${CLIENT} ${name}`);
  } catch (error) {
    failed += 1;
    const message = String(error && error.message ? error.message : error).split('\n').join(' ');
    console.log(`FAIL ${CLIENT} ${name}: ${message}`);
  }
}

const sent = []; // the http.ClientRequest of every request jayson sent
const bodies = []; // the JSON-RPC request (or batch) of each
function makeClient(key) {
  const client = jayson.client.http({
    hostname: URL_.hostname,
    port: URL_.port,
    path: URL_.pathname,
    headers: { 'x-api-key': key },
    timeout: 10000,
  });
  client.on('http request', (req) => sent.push(req));
  client.on('request', (request) => bodies.push(request));
  return client;
}
const client = makeClient(KEY);

// The callback-style API as a promise: resolves with the whole decoded answer (or undefined).
function call(c, method, params, id) {
  return new Promise((resolve, reject) => {
    const done = (err, response) => (err ? reject(err) : resolve(response));
    if (Array.isArray(method)) c.request(method, done);
    else if (id === undefined) c.request(method, params, done);
    else c.request(method, params, id, done);
  });
}

function expectTicket9(ticket) {
  assert.equal(ticket.id, 9);
  assert.equal(ticket.projectId, 1);
  assert.equal(ticket.headline, TICKET9_HEADLINE);
  assert.equal(ticket.status, STATUS_NEW);
  assert.equal(ticket.statusLabel, 'New');
}

// The params of tickets.updateTicket changing `fields` of this client's own ticket: Leantime's
// {values: {id, ...}}.
const updateValues = (fields) => ({ values: { id: OWN_TICKET, ...fields } });

// Non-ASCII on purpose: jayson sends raw UTF-8 (Python's json sends \\u escapes).
const freshHeadline = () => `${CLIENT} notified ${crypto.randomUUID().slice(0, 8)} \u00e9\u2713\u{1f600}`;

async function ownTicket() {
  const answer = await call(client, GET_TICKET, { id: OWN_TICKET });
  return answer.result;
}

async function main() {
  await run('named-call', async () => {
    sent.length = 0;
    const answer = await call(client, GET_TICKET, { id: 9 });
    expectTicket9(answer.result);
    assert.match(answer.id, UUID, 'answer id is not the UUID jayson sent');
    const contentType = sent[0].getHeader('content-type');
    assert.equal(contentType, 'application/json; charset=utf-8');
    note(
      'named-call',
      `sends Content-Type '${contentType}', Accept '${sent[0].getHeader('accept')}', ` +
        `User-Agent '${sent[0].getHeader('user-agent')}'; UUID string ids (${answer.id})`,
    );
  });

  await run('positional-call', async () => {
    const answer = await call(client, GET_TICKET, [9]);
    expectTicket9(answer.result);
    assert.match(answer.id, UUID);
  });

  await run('no-params', async () => {
    bodies.length = 0;
    const answer = await call(client, GET_ALL_PROJECTS, {});
    assert.deepEqual(answer.result.map((p) => p.id), [1]);
    assert.deepEqual(bodies[0].params, {}, 'jayson keeps {} as params');
    const bare = await call(client, GET_ALL_PROJECTS, undefined);
    assert.deepEqual(bare.result.map((p) => p.id), [1]);
    assert.ok(!('params' in bodies[1]), 'no params given, yet params sent');
  });

  await run('notification', async () => {
    const headline = freshHeadline();
    bodies.length = 0;
    const answer = await call(client, UPDATE_TICKET, updateValues({ headline }), null);
    assert.ok(!('id' in bodies[0]), `sent an id: ${JSON.stringify(bodies[0])}`);
    assert.equal(answer, undefined, 'a notification was answered');
    assert.equal((await ownTicket()).headline, headline, 'notification not applied');
    note('notification', 'id null sends no id member; the empty 200 answer reaches the callback as no response');
  });

  await run('batch', async () => {
    const headline = freshHeadline();
    const calls = [
      client.request(GET_TICKET, { id: 9 }),
      client.request(GET_TICKET, [9]),
      client.request(GET_PROJECT, { id: 1 }),
      client.request(GET_TICKET, { id: MISSING_TICKET }),
    ];
    const notification = client.request(UPDATE_TICKET, updateValues({ headline }), null);
    const answers = await call(client, [calls[0], calls[1], notification, calls[2], calls[3]]);
    assert.ok(Array.isArray(answers), 'batch answer is not an array');
    assert.equal(answers.length, 4, 'one answer per call, none for the notification');
    const byId = new Map(answers.map((a) => [a.id, a]));
    assert.deepEqual([...byId.keys()].sort(), calls.map((c) => c.id).sort());
    expectTicket9(byId.get(calls[0].id).result);
    expectTicket9(byId.get(calls[1].id).result);
    assert.equal(byId.get(calls[2].id).result.id, 1);
    assert.equal(byId.get(calls[3].id).error.code, NOT_FOUND);
    assert.equal((await ownTicket()).headline, headline, 'the notification inside the batch did not run');
  });

  await run('notification-only-batch', async () => {
    const headline = freshHeadline();
    const batch = [
      client.request(UPDATE_TICKET, updateValues({ status: STATUS_DONE }), null),
      client.request(UPDATE_TICKET, updateValues({ headline }), null),
    ];
    const answer = await call(client, batch);
    assert.equal(answer, undefined, 'a batch of notifications was answered');
    const ticket = await ownTicket();
    assert.equal(ticket.headline, headline);
    assert.equal(ticket.status, STATUS_DONE);
    assert.equal(ticket.statusLabel, 'Done');
  });

  await run('error', async () => {
    const answer = await call(client, GET_TICKET, { id: MISSING_TICKET });
    assert.equal(answer.error.code, NOT_FOUND);
    assert.match(answer.id, UUID);
    note('error', `the callback gets err=null and the answer ${JSON.stringify(answer.error)}`);
  });

  await run('unauthorized', async () => {
    const bad = makeClient('lt_notakey_000000000000000000000000');
    try {
      await call(bad, GET_TICKET, { id: 9 });
    } catch (error) {
      assert.equal(error.code, 401, `error code ${error.code}`);
      const body = JSON.parse(error.message);
      assert.equal(body.error.code, UNAUTHORIZED);
      note(
        'unauthorized',
        'a non-2xx status becomes an Error whose code is the HTTP status (401) and whose ' +
          `message is the raw body text: ${error.message}`,
      );
      return;
    }
    assert.fail('a bad key was accepted');
  });
}

main().then(
  () => process.exit(failed ? 1 : 0),
  (error) => {
    console.log(`FAIL ${CLIENT} driver: ${error}`);
    process.exit(1);
  },
);
