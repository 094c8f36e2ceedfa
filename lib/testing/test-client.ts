import * as http from 'http';
import * as http2 from 'http2';
import * as https from 'https';
import * as net from 'net';
import * as tls from 'tls';
import * as zlib from 'zlib';

/** Options of one request to the sidecar under test. */
export interface TestRequestOptions {
  /**
   * The method.
   * @default 'GET'
   */
  readonly method?: string;
  /**
   * Request headers (a `Host` of your own replaces `localhost`).
   * @default - `Host: localhost`
   */
  readonly headers?: { [name: string]: string };
  /**
   * The body.
   * @default - none
   */
  readonly body?: string | Buffer;
  /**
   * Over HTTPS, to the sidecar's TLS port (trusting its throwaway certificate).
   * @default false
   */
  readonly https?: boolean;
  /**
   * Over HTTP/2 (with `https`: negotiated by ALPN, as browsers do).
   * @default false - HTTP/1.1
   */
  readonly http2?: boolean;
  /**
   * Give up after this long, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * The address the request comes from, to see what the sidecar does per client (its
   * `clientAddress`, per-client rules): on Linux any of 127.0.0.0/8, e.g. `127.0.0.2`.
   * @default - 127.0.0.1
   */
  readonly sourceAddress?: string;
}

/** Options of `SidecarTestServer.raw`. */
export interface RawRequestOptions {
  /**
   * To the sidecar's TLS port (trusting its throwaway certificate).
   * @default false
   */
  readonly https?: boolean;
  /**
   * How long to wait for the sidecar to close, in milliseconds.
   * @default 2000
   */
  readonly timeoutMs?: number;
  /**
   * The address the bytes come from (any of 127.0.0.0/8 on Linux), as `TestRequestOptions.sourceAddress`.
   * @default - 127.0.0.1
   */
  readonly sourceAddress?: string;
}

/** A WebSocket (or other) upgrade through the sidecar: the status and headers, and the open socket. */
export interface TestUpgrade {
  /** The status: 101 when the upgrade went through. */
  readonly status: number;
  /** The response headers, names in lower case. */
  readonly headers: { [name: string]: string };
  /** The connection, to write and read frames on; destroy it when done. */
  readonly socket: net.Socket;
}

/** What the sidecar answered. */
export interface TestResponse {
  /** The status. */
  readonly status: number;
  /** The headers, names in lower case; a repeated header's values joined with ", " (`set-cookie`: the first). */
  readonly headers: { [name: string]: string };
  /** Every header line as received: name, value, name, value, ... */
  readonly rawHeaders: string[];
  /** The body as sent (compressed, if it was). */
  readonly rawBody: Buffer;
  /** The body, gunzipped when `Content-Encoding: gzip`. */
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  readonly text: string;
}

/** Every value of the header `name` (any case) in a response, in order. */
export function headerValues(response: TestResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return pairs(response.rawHeaders).filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    out.push([raw[i], raw[i + 1]]);
  }
  return out;
}

function response(status: number, rawHeaders: string[], rawBody: Buffer): TestResponse {
  const joined: { [name: string]: string } = {};
  for (const [n, v] of pairs(rawHeaders)) {
    const k = n.toLowerCase();
    joined[k] = k in joined && k !== 'set-cookie' ? `${joined[k]}, ${v}` : joined[k] ?? v;
  }
  const gzipped = /\bgzip\b/i.test(joined['content-encoding'] ?? '');
  let body = rawBody;
  if (gzipped && rawBody.length > 0) {
    try {
      body = zlib.gunzipSync(rawBody);
    } catch (e) {
      throw new Error(`the answer says Content-Encoding: gzip, but its body is not gzip (${(e as Error).message}): ${rawBody.toString('utf8', 0, 80)}`);
    }
  }
  return { status, headers: joined, rawHeaders, rawBody, body, text: body.toString('utf8') };
}

/** One HTTP/2 request over TLS (ALPN) to 127.0.0.1:`port`, trusting `ca`, on a new connection. */
function requestHttp2(port: number, path: string, options: TestRequestOptions, ca?: Buffer): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const tlsOptions = { ca, servername: 'localhost', checkServerIdentity: () => undefined };
    // http2.connect has no local address of its own: its TLS socket, made here, has.
    const session = http2.connect(`https://127.0.0.1:${port}`, options.sourceAddress === undefined ? tlsOptions : {
      ...tlsOptions,
      createConnection: () => tls.connect({
        ...tlsOptions, ALPNProtocols: ['h2'], socket: net.connect({ host: '127.0.0.1', port, localAddress: options.sourceAddress }),
      }),
    });
    session.on('error', reject);
    // Host (any case) is :authority in HTTP/2.
    const given = Object.entries(options.headers ?? {});
    const host = given.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? 'localhost';
    const headers = Object.fromEntries(given.filter(([k]) => k.toLowerCase() !== 'host'));
    const req = session.request({ ':method': options.method ?? 'GET', ':path': path, ':authority': host, ...headers });
    req.setTimeout(options.timeoutMs ?? 10000, () => req.close(http2.constants.NGHTTP2_CANCEL));
    const chunks: Buffer[] = [];
    let status = 0;
    let rawHeaders: string[] = [];
    req.on('response', (h) => {
      status = Number(h[':status']);
      rawHeaders = Object.entries(h).filter(([k]) => !k.startsWith(':'))
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [String(v)]).flatMap((x) => [k, x]));
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      session.close();
      if (status === 0) {
        reject(new Error(`no answer to ${options.method ?? 'GET'} ${path} over HTTP/2 in ${options.timeoutMs ?? 10000} ms`));
        return;
      }
      try {
        resolve(response(status, rawHeaders, Buffer.concat(chunks)));
      } catch (e) {
        reject(e);
      }
    });
    req.end(options.body === undefined ? undefined : Buffer.from(options.body));
  });
}

/** One HTTP/1.1 request to 127.0.0.1:`port` (over TLS trusting `ca` when given); a new connection each time. */
export function request(port: number, path: string, options: TestRequestOptions, ca?: Buffer): Promise<TestResponse> {
  if (options.http2) {
    if (!options.https) {
      return Promise.reject(new Error('http2 needs https: the sidecar speaks HTTP/2 on its TLS port only'));
    }
    return requestHttp2(port, path, options, ca);
  }
  const headers = { Host: 'localhost', ...options.headers };
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const common = { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, agent: false as const, localAddress: options.sourceAddress };
    const req = options.https
      ? https.request({ ...common, ca, servername: 'localhost', checkServerIdentity: () => undefined })
      : http.request(common);
    req.setTimeout(options.timeoutMs ?? 10000, () => req.destroy(new Error(`no answer to ${common.method} ${path} in ${options.timeoutMs ?? 10000} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve(response(res.statusCode ?? 0, res.rawHeaders, Buffer.concat(chunks)));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.end(body);
  });
}

/**
 * Sends `bytes` as they are on a new connection (over TLS trusting `ca` when given) and returns
 * everything the server sent until it closed, or until `timeoutMs` (2 s by default: an HTTP/1.1
 * request without `Connection: close` is kept alive): for requests no client would send (odd
 * paths, bad headers, HTTP/1.0 without a Host).
 */
export function rawRequest(port: number, bytes: string | Buffer, opts: RawRequestOptions, ca?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const local = opts.sourceAddress === undefined ? {} : { localAddress: opts.sourceAddress };
    const socket: net.Socket = opts.https
      ? tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost', checkServerIdentity: () => undefined, ...local })
      : net.connect({ host: '127.0.0.1', port, ...local });
    const timer = setTimeout(() => socket.destroy(), opts.timeoutMs ?? 2000);
    socket.on(opts.https ? 'secureConnect' : 'connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** A WebSocket upgrade request to 127.0.0.1:`port` (plain HTTP); resolves with the answer and, on 101, the open socket. */
export function upgrade(port: number, path: string, headers: { [name: string]: string } = {}, sourceAddress?: string): Promise<TestUpgrade> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, agent: false, localAddress: sourceAddress,
      headers: { 'Host': 'localhost', 'Connection': 'Upgrade', 'Upgrade': 'websocket', 'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('sidecar-test-key').toString('base64'), ...headers },
    });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, headers: lower(res.headers), socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: lower(res.headers), socket: res.socket });
    });
    req.on('error', reject);
    req.end();
  });
}

function lower(h: http.IncomingHttpHeaders): { [name: string]: string } {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}
