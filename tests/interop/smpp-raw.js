'use strict';
// Exact wire view of PDUs for the interop scripts: npm `smpp` decodes short_message into text
// and drops the bytes, so the scripts keep each PDU's raw buffer and read the fields
// themselves (SMPP v3.4 §4.4.1 layout). Events then match smsc-sim's (docs/smsc-sim.md).
const smpp = require('smpp');
const PDU = require('smpp/lib/pdu').PDU;

const originalFromBuffer = PDU.prototype.fromBuffer;
PDU.prototype.fromBuffer = function (buffer) {
  Object.defineProperty(this, 'raw', { value: buffer, enumerable: false, writable: true });
  return originalFromBuffer.call(this, buffer);
};

function hex(buffer) {
  return Buffer.from(buffer).toString('hex');
}

// Fields of a submit_sm / deliver_sm body from the raw PDU.
function parseSm(raw) {
  let at = 16;
  const cstring = () => {
    const end = raw.indexOf(0, at);
    const s = raw.slice(at, end).toString('latin1');
    at = end + 1;
    return s;
  };
  const u8 = () => raw[at++];
  const f = {};
  f.service_type = cstring();
  f.source_addr_ton = u8();
  f.source_addr_npi = u8();
  f.source_addr = cstring();
  f.dest_addr_ton = u8();
  f.dest_addr_npi = u8();
  f.destination_addr = cstring();
  f.esm_class = u8();
  f.protocol_id = u8();
  f.priority_flag = u8();
  f.schedule_delivery_time = cstring();
  f.validity_period = cstring();
  f.registered_delivery = u8();
  f.replace_if_present_flag = u8();
  f.data_coding = u8();
  f.sm_default_msg_id = u8();
  const smLength = u8();
  f.short_message = hex(raw.slice(at, at + smLength));
  at += smLength;
  f.tlvs = {};
  while (at + 4 <= raw.length) {
    const tag = raw.readUInt16BE(at);
    const len = raw.readUInt16BE(at + 2);
    f.tlvs['0x' + tag.toString(16).padStart(4, '0')] = hex(raw.slice(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return f;
}

function statusName(code) {
  for (const [name, value] of Object.entries(smpp.errors)) if (value === code) return name;
  return '0x' + code.toString(16).padStart(8, '0');
}

function print(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

// --name value pairs; repeated names collect into arrays when `repeatable` lists them.
function parseArgs(argv, defaults, repeatable = []) {
  const out = { ...defaults };
  for (const r of repeatable) out[r] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    const key = m[1].replace(/-/g, '_');
    const value = m[2] !== undefined ? m[2] : (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
    if (!(key in out)) throw new Error(`unknown option --${m[1]}`);
    if (repeatable.includes(key)) out[key].push(value);
    else out[key] = typeof defaults[key] === 'number' ? Number(value) : value;
  }
  return out;
}

module.exports = { smpp, parseSm, hex, statusName, print, parseArgs };
