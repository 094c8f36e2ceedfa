// Clients for what curl cannot show, run inside a pod's network namespace by traffic-client.ts:
//   ws:     a WebSocket handshake, then messages sent (after an optional idle pause) and their echoes
//   stream: a GET whose body is timed chunk by chunk as it arrives (decompressed when gzip)
// Reads one JSON request from argv[2], prints one JSON result on stdout.
'use strict';
const crypto = require('crypto');
const http = require('http');
const net = require('net');
const zlib = require('zlib');

const req = JSON.parse(process.argv[2]);

function wsFrame(text) {
  // Client frames are masked (RFC 6455 5.3); texts here stay under 126 bytes.
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

function ws() {
  const key = crypto.randomBytes(16).toString('base64');
  const sock = net.connect(req.port, req.host);
  let buf = Buffer.alloc(0);
  let head;
  const echoes = [];
  const started = Date.now();
  const finish = (closedBy) => {
    sock.destroy();
    process.stdout.write(JSON.stringify({ ...head, echoes, closedBy, ms: Date.now() - started }));
    process.exit(0);
  };
  const timer = setTimeout(() => finish('timeout'), req.timeoutMs ?? 5000);
  sock.on('connect', () => {
    const headers = { Host: req.hostHeader ?? `${req.host}:${req.port}`, Upgrade: 'websocket', Connection: 'Upgrade',
      'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13', ...req.headers };
    sock.write(`GET ${req.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  });
  const sendAll = () => {
    for (const m of req.messages ?? []) {
      sock.write(wsFrame(m));
    }
  };
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (!head) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        return;
      }
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers = {};
      lines.slice(1).forEach((l) => {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      });
      const expected = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC11B28`).digest('base64');
      head = { status: Number(lines[0].split(' ')[1]), headers, acceptOk: headers['sec-websocket-accept'] === expected };
      buf = buf.subarray(end + 4);
      if (head.status !== 101) {
        clearTimeout(timer);
        finish('server');
        return;
      }
      setTimeout(sendAll, req.idleMs ?? 0);
    }
    // Server frames are unmasked; short texts only.
    while (buf.length >= 2 && buf.length >= 2 + (buf[1] & 0x7f)) {
      const len = buf[1] & 0x7f;
      echoes.push(buf.subarray(2, 2 + len).toString());
      buf = buf.subarray(2 + len);
    }
    if (echoes.length === (req.messages ?? []).length && head.status === 101 && (req.messages ?? []).length > 0) {
      clearTimeout(timer);
      finish('client');
    }
  });
  sock.on('close', () => finish('server'));
  sock.on('error', () => finish('error'));
}

function stream() {
  const started = Date.now();
  const chunks = [];
  const r = http.get({ host: req.host, port: req.port, path: req.path, headers: req.headers ?? {} }, (res) => {
    const gunzip = res.headers['content-encoding'] === 'gzip' ? zlib.createGunzip() : null;
    const body = gunzip ?? res;
    if (gunzip) {
      // Flush what each network read decompresses to, so the timing is the network's.
      res.on('data', (d) => gunzip.write(d, () => gunzip.flush(zlib.constants.Z_SYNC_FLUSH)));
      res.on('end', () => gunzip.end());
    }
    body.on('data', (d) => chunks.push({ ms: Date.now() - started, text: String(d) }));
    body.on('end', () => {
      process.stdout.write(JSON.stringify({ status: res.statusCode, headers: res.headers, chunks }));
    });
  });
  r.on('error', (e) => {
    process.stdout.write(JSON.stringify({ status: 0, error: String(e), chunks }));
  });
}

if (req.mode === 'ws') {
  ws();
} else {
  stream();
}
