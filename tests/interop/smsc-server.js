#!/usr/bin/env node
'use strict';
// An independent SMSC built on npm `smpp` 0.5.1, for interop tests and benchmarks of the
// driver (docs/smsc-sim.md, "npm interop peer"). Prints one JSON line per event on stdout
// (`listening` first) and takes JSON-line commands on stdin:
//   {"cmd":"mo","count":100,"from":"4917","to":"123","text":"MO {n}","system_id":"esme"}
//   {"cmd":"stats"}  {"cmd":"unbind"}  {"cmd":"exit"}
// Options: --host 127.0.0.1 --port 0 --account ID:PASSWORD (repeatable; none: accept any)
//          --dlr-delay-ms 100 --quiet
//          --throttle-every N: every Nth submit_sm (counted over the server) is answered
//          ESME_RTHROTTLED (0x58) and not stored (0: never)
//          --tls-cert FILE --tls-key FILE (PEM): TLS on the port (node's tls.Server, OpenSSL);
//          --tls-client-ca FILE: ask for a client certificate and drop the connection after the
//          handshake when this CA did not issue it (node's rejectUnauthorized: no TLS alert).
//          Events `tls` (version, sni, client_cert) and `tls-failed` (error).
const fs = require('fs');
const { smpp, parseSm, hex, statusName, print, parseArgs } = require('./smpp-raw');
const readline = require('readline');

let opts;
try {
  opts = parseArgs(process.argv.slice(2), { host: '127.0.0.1', port: 0, account: null, dlr_delay_ms: 100, throttle_every: '0', quiet: 'false', tls_cert: '', tls_key: '', tls_client_ca: '' }, ['account']);
  if ((opts.tls_key || opts.tls_client_ca) && !opts.tls_cert) throw new Error('--tls-key and --tls-client-ca need --tls-cert');
  if (!/^[0-9]+$/.test(opts.throttle_every)) throw new Error(`--throttle-every must be a whole number >= 0 (0: never), not '${opts.throttle_every}'`);
  opts.throttle_every = Number(opts.throttle_every);
} catch (e) {
  process.stderr.write(`smsc-server.js: ${e.message}\n`);
  process.exit(2);
}
const quiet = opts.quiet === 'true';
const accounts = new Map(opts.account.map((a) => [a.slice(0, a.indexOf(':')), a.slice(a.indexOf(':') + 1)]));
const sessions = new Set();
const stats = { binds: 0, submit_sm: 0, throttled: 0, deliver_sm_sent: 0, deliver_sm_resp: 0, receipts: 0 };
let nextId = 1;
let nextConn = 1;

function event(e) {
  if (!quiet) print(e);
}

function canReceive(s) {
  return s.bound === 'bind_receiver' || s.bound === 'bind_transceiver';
}

// A bound receiver-capable session of the system_id ('' = any), round robin.
let turn = 0;
function receiverFor(systemId) {
  const list = [...sessions].filter((s) => canReceive(s) && (!systemId || s.systemId === systemId));
  return list.length ? list[turn++ % list.length] : null;
}

function deliver(session, fields, kind, extra = {}) {
  stats.deliver_sm_sent++;
  session.deliver_sm(fields, (resp) => {
    stats.deliver_sm_resp++;
    event({ event: 'deliver_sm_resp', conn: session.conn, seq: resp.sequence_number, status: statusName(resp.command_status), kind, ...extra });
  });
}

function sendReceipt(systemId, sm, messageId) {
  const s = receiverFor(systemId);
  if (!s) return;
  const date = new Date().toISOString().replace(/[-T:]/g, '').slice(2, 12);
  const text = Buffer.from(sm.short_message, 'hex').toString('latin1').replace(/[^\x20-\x7e]/g, '?').slice(0, 20);
  stats.receipts++;
  deliver(s, {
    source_addr: sm.destination_addr,
    destination_addr: sm.source_addr,
    esm_class: 0x04,
    short_message: Buffer.from(`id:${messageId} sub:001 dlvrd:001 submit date:${date} done date:${date} stat:DELIVRD err:000 text:${text}`, 'latin1'),
    receipted_message_id: messageId,
    message_state: 2,
  }, 'receipt', { receipted_message_id: messageId });
}

const tlsOptions = {};
if (opts.tls_cert) {
  tlsOptions.cert = fs.readFileSync(opts.tls_cert);
  tlsOptions.key = fs.readFileSync(opts.tls_key || opts.tls_cert);
  if (opts.tls_client_ca) {
    tlsOptions.ca = fs.readFileSync(opts.tls_client_ca);
    tlsOptions.requestCert = true;
    tlsOptions.rejectUnauthorized = true;
  }
}

const server = smpp.createServer(tlsOptions, (session) => {
  session.conn = nextConn++;
  if (opts.tls_cert) {
    const peer = session.socket.getPeerCertificate();
    event({ event: 'tls', conn: session.conn, version: session.socket.getProtocol(), sni: session.socket.servername || '', client_cert: peer && peer.subject ? `CN=${peer.subject.CN}` : '' });
  }
  session.socket.setNoDelay(true);  // small PDUs must not wait for Nagle's algorithm
  sessions.add(session);
  const bind = (command) => (pdu) => {
    let status = smpp.ESME_ROK;
    if (session.bound) status = smpp.ESME_RALYBND;
    else if (accounts.size && !accounts.has(pdu.system_id)) status = smpp.ESME_RINVSYSID;
    else if (accounts.size && accounts.get(pdu.system_id) !== pdu.password) status = smpp.ESME_RINVPASWD;
    session.send(pdu.response({ command_status: status, system_id: 'npm-smsc' }));
    if (status === smpp.ESME_ROK) {
      session.bound = command;
      session.systemId = pdu.system_id;
      stats.binds++;
    }
    event({ event: 'bind', conn: session.conn, command, system_id: pdu.system_id, status: statusName(status) });
  };
  for (const c of ['bind_transmitter', 'bind_receiver', 'bind_transceiver']) session.on(c, bind(c));
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    event({ event: 'unbind', conn: session.conn, by: 'client' });
    session.close();
  });
  session.on('submit_sm', (pdu) => {
    stats.submit_sm++;
    if (!session.bound || session.bound === 'bind_receiver') {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    const sm = parseSm(pdu.raw);
    if (opts.throttle_every > 0 && stats.submit_sm % opts.throttle_every === 0) {
      stats.throttled++;
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      event({ event: 'submit_sm', conn: session.conn, seq: pdu.sequence_number, system_id: session.systemId, ...sm, message_id: '', status: 'ESME_RTHROTTLED' });
      return;
    }
    const messageId = (nextId++).toString(16).padStart(8, '0');
    session.send(pdu.response({ message_id: messageId }));
    event({ event: 'submit_sm', conn: session.conn, seq: pdu.sequence_number, system_id: session.systemId, ...sm, message_id: messageId, status: 'ESME_ROK' });
    if ((sm.registered_delivery & 0x03) === 1) setTimeout(() => sendReceipt(session.systemId, sm, messageId), opts.dlr_delay_ms);
  });
  session.on('pdu', (pdu) => {
    // Requests this peer does not simulate get ESME_RINVCMDID instead of silence.
    const handled = ['bind_transmitter', 'bind_receiver', 'bind_transceiver', 'enquire_link', 'unbind', 'submit_sm'];
    if (!pdu.isResponse() && !handled.includes(pdu.command)) session.send(pdu.response({ command_status: smpp.ESME_RINVCMDID }));
  });
  session.on('error', () => {});
  session.on('close', () => {
    sessions.delete(session);
    event({ event: 'connection-closed', conn: session.conn, system_id: session.systemId || '' });
  });
});

// A handshake that failed, or a client certificate refused after it (the socket is dropped).
server.on('tlsClientError', (err) => print({ event: 'tls-failed', error: err.code || err.message }));

server.listen(opts.port, opts.host, () => {
  print({ event: 'listening', host: opts.host, port: server.address().port });
});

const commands = {
  mo(c) {
    const count = Number(c.count || 1);
    for (let n = 1; n <= count; n++) {
      const s = receiverFor(c.system_id);
      if (!s) {
        print({ event: 'error', error: 'mo: no receiver-capable session is bound' });
        return;
      }
      const text = String(c.text || 'MO {n}').replace(/\{n\}/g, String(n));
      deliver(s, {
        source_addr: c.from || '4917600000009',
        destination_addr: c.to || '12345',
        data_coding: Number(c.data_coding || 0),
        short_message: c.hex ? Buffer.from(c.hex, 'hex') : Buffer.from(text, 'latin1'),
      }, 'mo', { n });
    }
    event({ event: 'queued', kind: 'mo', count });
  },
  stats() {
    print({ event: 'stats', connections: sessions.size, ...stats });
  },
  unbind() {
    for (const s of sessions) if (s.bound) s.unbind();
  },
  exit() {
    print({ event: 'exit' });
    for (const s of sessions) s.destroy();
    server.close();
    process.exit(0);
  },
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  let c;
  try {
    c = JSON.parse(line);
  } catch (e) {
    print({ event: 'error', error: `not JSON: ${e.message}` });
    return;
  }
  if (!commands[c.cmd]) print({ event: 'error', error: `unknown command '${c.cmd}' (mo, stats, unbind, exit)` });
  else commands[c.cmd](c);
});
