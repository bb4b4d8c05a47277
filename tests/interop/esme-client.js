#!/usr/bin/env node
'use strict';
// An independent ESME built on npm `smpp` 0.5.1: binds to an SMSC, pushes --count submit_sm
// keeping at most --window unanswered, answers every deliver_sm, and prints one JSON line with
// the throughput (docs/smsc-sim.md, "npm interop peer"). A later benchmark compares the
// driver with it. Exit 0 when every submit_sm got ESME_ROK (and the awaited receipts and MO
// arrived), 1 otherwise.
// Options: --host 127.0.0.1 --port N --system-id esme --password secret --bind transceiver
//          --count 1000 --window 10 --text "..." --registered-delivery 0 --expect-mo 0
//          --timeout-ms 30000
const { smpp, statusName, print, parseArgs } = require('./smpp-raw');

let o;
try {
  o = parseArgs(process.argv.slice(2), {
    host: '127.0.0.1', port: 0, system_id: 'esme', password: 'secret', bind: 'transceiver',
    count: 1000, window: 10, text: 'Hello from npm smpp', registered_delivery: 0, expect_mo: 0,
    timeout_ms: 30000, destination: '4917600000002', source: '4915100000001',
  });
} catch (e) {
  process.stderr.write(`esme-client.js: ${e.message}\n`);
  process.exit(2);
}
if (!o.port) {
  process.stderr.write('esme-client.js: --port is required\n');
  process.exit(2);
}

const result = { event: 'esme-client', count: o.count, window: o.window, ok: 0, errors: 0, statuses: {}, receipts: 0, mo: 0 };
let sent = 0;
let inFlight = 0;
let maxInFlight = 0;
let started = 0;
let finished = false;
const expectReceipts = (o.registered_delivery & 0x03) === 1 ? o.count : 0;

const session = smpp.connect({ host: o.host, port: o.port });
session.socket.setNoDelay(true);  // small PDUs must not wait for Nagle's algorithm

let answeredAt = 0;

function done(code) {
  if (finished) return;
  finished = true;
  // Throughput counts the submit phase only (until the last submit_sm_resp), not the wait for
  // receipts and MO.
  const seconds = ((answeredAt || Date.now()) - started) / 1000;
  result.seconds = seconds;
  result.submit_sm_per_s = seconds > 0 ? Math.round((result.ok + result.errors) / seconds) : 0;
  result.max_in_flight = maxInFlight;
  print(result);
  session.unbind(() => session.close());
  setTimeout(() => process.exit(code), 200).unref();
}

function complete() {
  return result.ok + result.errors === o.count && result.receipts >= expectReceipts && result.mo >= o.expect_mo;
}

function pump() {
  while (sent < o.count && inFlight < o.window) {
    sent++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    session.submit_sm({
      source_addr: o.source,
      destination_addr: o.destination,
      registered_delivery: o.registered_delivery,
      short_message: o.text,
    }, (resp) => {
      inFlight--;
      if (resp.command_status === smpp.ESME_ROK) result.ok++;
      else result.errors++;
      const name = statusName(resp.command_status);
      result.statuses[name] = (result.statuses[name] || 0) + 1;
      if (!result.first_message_id && resp.message_id) result.first_message_id = resp.message_id;
      if (result.ok + result.errors === o.count) answeredAt = Date.now();
      if (complete()) done(result.errors ? 1 : 0);
      else pump();
    });
  }
}

session.on('connect', () => {
  const bind = { transmitter: 'bind_transmitter', receiver: 'bind_receiver', transceiver: 'bind_transceiver' }[o.bind];
  session[bind]({ system_id: o.system_id, password: o.password }, (resp) => {
    if (resp.command_status !== smpp.ESME_ROK) {
      print({ event: 'bind-failed', status: statusName(resp.command_status) });
      process.exit(1);
    }
    started = Date.now();
    if (o.count === 0 && complete()) done(0);
    pump();
  });
});
session.on('deliver_sm', (pdu) => {
  if (pdu.esm_class & 0x04) result.receipts++;
  else result.mo++;
  session.send(pdu.response());
  if (complete()) done(result.errors ? 1 : 0);
});
session.on('error', (e) => {
  print({ event: 'error', error: e.message });
  process.exit(1);
});
setTimeout(() => {
  result.timed_out = true;
  done(1);
}, o.timeout_ms).unref();
