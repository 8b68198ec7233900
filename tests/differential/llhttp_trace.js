#!/usr/bin/env node
// Differential-testing peer: feeds raw bytes to Node's built-in llhttp
// (require('_http_common').HTTPParser) and prints the trace protocol
// (/work/shared/trace-protocol.md) as JSON Lines.
//
//   node llhttp_trace.js --role server|client [--method M[,M...]] [--chunk N] < bytes
//   node llhttp_trace.js --batch          (used by run.py, see below)
//
// Batch mode: every stdin line is a JSON object
//   {"hex": "...", "role": "server"|"client", "methods": ["GET"], "chunk": 0}
// and every answer is one stdout line {"events": [...]}.
//
// The parser runs in strict mode (no lenient flags), like Node's http module
// with the default `insecureHTTPParser: false`.
// Error kinds are always "error"; the llhttp code goes into "detail".
'use strict';

const { HTTPParser, methods: METHODS } = require('_http_common');

const kOnMessageBegin = HTTPParser.kOnMessageBegin | 0;
const kOnHeaders = HTTPParser.kOnHeaders | 0;
const kOnHeadersComplete = HTTPParser.kOnHeadersComplete | 0;
const kOnBody = HTTPParser.kOnBody | 0;
const kOnMessageComplete = HTTPParser.kOnMessageComplete | 0;
const kOnExecute = HTTPParser.kOnExecute | 0;

function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function hasToken(headers, name, token) {
  // headers: flat [name, value, ...]; comma-list token search, case-insensitive.
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() !== name) continue;
    for (const t of String(headers[i + 1]).split(',')) {
      if (t.trim().toLowerCase() === token) return true;
    }
  }
  return false;
}

function runOne(input, role, methods, chunk) {
  const events = [];
  let finished = false; // a final event (closed/error/switched) was emitted
  const emit = (e) => { if (!finished) events.push(e); };
  const isServer = role === 'server';
  if (!methods || methods.length === 0) methods = ['GET'];
  let methodIdx = 0;
  const curMethod = () => methods[Math.min(methodIdx, methods.length - 1)].toUpperCase();

  let cur = null;
  let needFresh = false;
  const fresh = () => ({ headers: [], url: '', done: false, trailers: [], info: false,
    keepAlive: true, switchAfter: false, switchReady: false, continueAfter: false });
  cur = fresh();

  // After a refused Upgrade request llhttp stays paused in "upgrade" mode and
  // Node then hides later parse errors (it checks !parser.upgrade), so the
  // bytes after such a request go to a fresh parser (same state: start of a
  // new message).
  const newParser = () => {
    const p = new HTTPParser();
    p.initialize(isServer ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 0, HTTPParser.kLenientNone | 0);
    p[kOnMessageBegin] = () => { cur = fresh(); };
    p[kOnHeaders] = (headers, url) => {
      if (!cur.done) { cur.headers.push(...headers); cur.url += url || ''; }
      else cur.trailers.push(...headers);
    };
    p[kOnHeadersComplete] = (vMaj, vMin, headers, method, url, statusCode, statusMessage, upgrade, shouldKeepAlive) => {
      const hs = headers ? cur.headers.concat(headers) : cur.headers;
      if (url === undefined || url === null) url = cur.url;
      cur.done = true;
      const version = `HTTP/${vMaj}.${vMin}`;
      let ret = 0;
      cur.keepAlive = !!shouldKeepAlive;
      if (isServer) {
        const m = METHODS[method];
        emit({ event: 'request', method: m, target: url, version, headers: pairs(hs) });
        if (upgrade) {
          // CONNECT: our driver answers 200 -> tunnel. Other Upgrade requests
          // are answered 200 (not 101), so parsing continues after them.
          if (m === 'CONNECT') cur.switchAfter = true; else cur.continueAfter = true;
        }
      } else {
        emit({ event: 'response', status: statusCode, reason: statusMessage || '', version, headers: pairs(hs) });
        const m = curMethod();
        if (statusCode >= 100 && statusCode < 200) {
          cur.info = true;
          if (statusCode === 101) { cur.switchAfter = true; cur.switchReady = true; ret = 2; }
        } else if (m === 'CONNECT' && statusCode >= 200 && statusCode < 300) {
          cur.switchAfter = true; cur.switchReady = true; ret = 2;
        } else if (m === 'HEAD') {
          ret = 1;
          // Node computes shouldKeepAlive before F_SKIPBODY is set, so a HEAD
          // answer without framing looks close-delimited. Recompute the way
          // llhttp_should_keep_alive does once F_SKIPBODY is set.
          const closeTok = hasToken(hs, 'connection', 'close');
          const kaTok = hasToken(hs, 'connection', 'keep-alive');
          cur.keepAlive = (vMaj > 1 || (vMaj === 1 && vMin >= 1)) ? !closeTok : kaTok;
        }
      }
      return ret;
    };
    p[kOnBody] = (b, start, len) => {
      let buf = b;
      if (typeof start === 'number' && typeof len === 'number') buf = b.slice(start, start + len);
      if (buf.length) emit({ event: 'data', hex: Buffer.from(buf).toString('hex') });
    };
    p[kOnMessageComplete] = () => {
      if (cur.switchAfter) cur.switchReady = true;
      if (cur.continueAfter) needFresh = true;
      if (cur.info) {
        // Interim responses have no end event.
      } else if (!cur.switchAfter || isServer) {
        emit({ event: 'end', keep_alive: cur.keepAlive, trailers: pairs(cur.trailers) });
      }
      if (!isServer && !cur.info) methodIdx++;
    };
    p[kOnExecute] = () => {};
    return p;
  };
  let p = newParser();

  const chunks = [];
  if (chunk && chunk > 0) {
    for (let i = 0; i < input.length; i += chunk) chunks.push(input.subarray(i, i + chunk));
  } else if (input.length) {
    chunks.push(input);
  }

  const errEvent = (r) => ({ event: 'error', kind: 'error',
    detail: `${r.code || 'ERR'}: ${r.reason || r.message || String(r)}` });

  try {
    for (let ci = 0; ci < chunks.length && !finished; ci++) {
      let data = chunks[ci];
      while (data.length && !finished) {
        const r = p.execute(data);
        if (r instanceof Error) { emit(errEvent(r)); finished = true; break; }
        const n = typeof r === 'number' ? r : data.length;
        if (cur.switchReady) {
          // 101 / CONNECT 2xx / CONNECT request: the rest is the new protocol.
          const rest = Buffer.concat([data.subarray(Math.min(n, data.length)), ...chunks.slice(ci + 1)]);
          emit({ event: 'switched', rest_hex: rest.toString('hex') });
          finished = true;
          break;
        }
        if (needFresh) {
          try { p.close(); } catch (e) { /* ignore */ }
          p = newParser();
          needFresh = false;
          cur.continueAfter = false;
          data = data.subarray(n);
          continue;
        }
        if (n >= data.length) break;
        emit({ event: 'error', kind: 'adapter_error', detail: `llhttp stopped at ${n} of ${data.length}` });
        finished = true;
        break;
      }
    }
    if (!finished) {
      const r = p.finish();
      if (r instanceof Error) emit(errEvent(r));
      else if (cur.switchReady) emit({ event: 'switched', rest_hex: '' });
      else emit({ event: 'closed' });
      finished = true;
    }
  } catch (e) {
    if (!finished) events.push({ event: 'error', kind: 'adapter_error', detail: String(e && e.stack || e) });
  }
  try { p.close(); } catch (e) { /* ignore */ }
  return events;
}

function parseArgs(argv) {
  const o = { role: null, methods: ['GET'], chunk: 0, batch: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`missing value for ${a}`); return argv[++i]; };
    if (a === '--role') o.role = val();
    else if (a === '--method') o.methods = val().split(',').filter((s) => s.length);
    else if (a === '--chunk') o.chunk = parseInt(val(), 10) || 0;
    else if (a === '--batch') o.batch = true;
    else usage(`unknown argument ${a}`);
  }
  if (!o.batch && o.role !== 'server' && o.role !== 'client') usage('--role server|client required');
  return o;
}

function usage(msg) {
  process.stderr.write(`llhttp_trace.js: ${msg}\nusage: llhttp_trace.js --role server|client [--method M,...] [--chunk N] < bytes\n       llhttp_trace.js --batch\n`);
  process.exit(2);
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!o.batch) {
    const fs = require('fs');
    let input;
    try { input = fs.readFileSync(0); } catch (e) { input = Buffer.alloc(0); }
    const ev = runOne(input, o.role, o.methods, o.chunk);
    process.stdout.write(ev.map((e) => JSON.stringify(e)).join('\n') + (ev.length ? '\n' : ''));
    return;
  }
  const rl = require('readline').createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    let out;
    try {
      const job = JSON.parse(line);
      const role = job.role === 'client' ? 'client' : 'server';
      out = { events: runOne(Buffer.from(job.hex || '', 'hex'), role, job.methods || ['GET'], job.chunk | 0) };
    } catch (e) {
      out = { events: [{ event: 'error', kind: 'adapter_error', detail: String(e) }] };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  });
}

main();
