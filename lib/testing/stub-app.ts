import { createHash } from 'crypto';
import * as http from 'http';
import { AddressInfo, Socket } from 'net';

/** A request the stub app received, as nginx sent it. */
export interface StubRequest {
  /** The method. */
  readonly method: string;
  /** The request target as received (path and query, undecoded). */
  readonly path: string;
  /** The headers, names in lower case (repeated ones joined as Node joins them). */
  readonly headers: http.IncomingHttpHeaders;
  /** Every header line as received: name, value, name, value, ... */
  readonly rawHeaders: string[];
  /** The body. */
  readonly body: Buffer;
}

/** A canned answer of the stub app. */
export interface StubAnswer {
  /**
   * The status.
   * @default 200
   */
  readonly status?: number;
  /**
   * Response headers.
   * @default - none
   */
  readonly headers?: { [name: string]: string | string[] };
  /**
   * The body.
   * @default - empty
   */
  readonly body?: string | Buffer;
  /**
   * Wait this long before answering (a slow app), in milliseconds.
   * @default 0
   */
  readonly delayMs?: number;
}

/**
 * What the stub app does with a request: answer it through `res` (Node's own response), with
 * `req.body` already read. May be async (a slow app). A thrown error answers 500.
 */
export type StubHandler = (req: StubRequest, res: http.ServerResponse) => unknown;

/** Canned answers by path (the request target without its query); anything else is 404. */
export type StubRoutes = { [path: string]: StubAnswer };

/**
 * The app behind the sidecar under test: a local HTTP server on 127.0.0.1 that records every
 * request it receives and answers with the test's handler or canned answers. It can go down and
 * come back on the same port, so a test sees the error page, stale cache entries and retries.
 */
export class StubApp {
  /** Every request received, in order. */
  public readonly requests: StubRequest[] = [];
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private handler: StubHandler;
  private _port = 0;

  constructor(app?: StubHandler | StubRoutes) {
    this.handler = handlerOf(app);
  }

  /** The port on 127.0.0.1 (0 until started). */
  public get port(): number {
    return this._port;
  }

  /** Answers from now on with `app`. */
  public setHandler(app: StubHandler | StubRoutes): void {
    this.handler = handlerOf(app);
  }

  /** Starts listening (again, on the same port once it has one). */
  public async up(): Promise<void> {
    if (this.server) {
      return;
    }
    const server = http.createServer((req, res) => this.receive(req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, '127.0.0.1', () => resolve());
    });
    this._port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every open connection: nginx finds the app down (connection refused). */
  public async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * A WebSocket upgrade: recorded, accepted (101 with the handshake's accept key), then every byte
   * the client sends is sent back as it came (an echo of the frames, enough to see them pass nginx).
   */
  private upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.alloc(0) });
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key'] ?? ''}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    if (head.length > 0) {
      socket.write(head);
    }
    socket.on('data', (d: Buffer) => socket.write(d));
    socket.on('error', () => socket.destroy());
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: StubRequest = {
        method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks),
      };
      this.requests.push(request);
      Promise.resolve()
        .then(() => this.handler(request, res))
        .catch((e: unknown) => {
          if (!res.headersSent) {
            res.writeHead(500, { 'Content-Type': 'text/plain' });
          }
          res.end(`stub app: ${e instanceof Error ? e.message : String(e)}\n`);
        });
    });
  }
}

function handlerOf(app: StubHandler | StubRoutes | undefined): StubHandler {
  if (typeof app === 'function') {
    return app;
  }
  const routes = app ?? { '/': {} };
  return async (req, res) => {
    const answer = routes[req.path.split('?')[0]] ?? (app === undefined ? {} : undefined);
    if (!answer) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('stub app: no canned answer\n');
      return;
    }
    if (answer.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    }
    res.writeHead(answer.status ?? 200, answer.headers ?? {});
    res.end(answer.body ?? (app === undefined ? 'ok\n' : ''));
  };
}
