import { invalid } from '../errors';

/** A `listen` directive of a custom nginx.conf: its address's host and port, and its parameters. */
interface Listen {
  /** `''` for a bare port; else the address as written before the port (`127.0.0.1`, `[::]`, `*`). */
  readonly host: string;
  readonly port: number;
  readonly params: string[];
}

/** The text without comments: a `#` that starts a token outside quotes, to the end of its line (as nginx reads it). */
export function withoutComments(conf: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < conf.length; i++) {
    const ch = conf[i];
    if (quote) {
      out += ch;
      if (ch === '\\') {
        out += conf[++i] ?? '';
      } else if (ch === quote) {
        quote = undefined;
      }
    } else if (ch === '"' || ch === '\'') {
      quote = ch;
      out += ch;
    } else if (ch === '#' && (i === 0 || /[\s;{}]/.test(conf[i - 1]))) {
      while (i + 1 < conf.length && conf[i + 1] !== '\n') {
        i++;
      }
    } else {
      out += ch;
    }
  }
  return out;
}

/** Every TCP `listen` of the text (comments removed); Unix sockets are left out. */
function listens(text: string): Listen[] {
  const out: Listen[] = [];
  for (const m of text.matchAll(/(?:^|[\s;{}])listen\s+([^;{}]*);/g)) {
    const [address, ...params] = m[1].trim().split(/\s+/).map((t) => t.replace(/^(["'])(.*)\1$/, '$2'));
    if (address.startsWith('unix:')) {
      continue;
    }
    const withPort = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(address);
    if (/^\d+$/.test(address)) {
      out.push({ host: '', port: Number(address), params });
    } else if (withPort) {
      out.push({ host: withPort[1], port: Number(withPort[2]), params });
    } else {
      out.push({ host: address, port: 80, params });
    }
  }
  return out;
}

/** A listen that takes connections to the pod's IP: every IPv4 address (`[::]` only with `ipv6only=off`). */
function everyAddress(l: Listen): boolean {
  return ['', '*', '0.0.0.0'].includes(l.host) || (l.host === '[::]' && l.params.includes('ipv6only=off'));
}

/**
 * Checks that a custom nginx.conf (`conf`, for messages; `text`, without comments) listens on `port`
 * at every address, where the kubelet's probes and the Service connect (the pod's IP): plain HTTP
 * for the sidecar's port, `ssl` for the HTTPS one (`tls`); `why` says what uses the port.
 */
export function checkListen(summary: string, text: string, port: number, tls: boolean, why: string): void {
  const onPort = listens(text).filter((l) => l.port === port);
  const want = `listen ${port}${tls ? ' ssl' : ''};`;
  const reachable = onPort.filter(everyAddress);
  if (onPort.length === 0) {
    throw invalid('nginxConf', summary, `has no "${want}": ${why}`);
  }
  if (reachable.length === 0) {
    const shown = onPort.map((l) => (l.host ? `${l.host}:${l.port}` : `${l.port}`)).join(', ');
    throw invalid('nginxConf', summary, `listens on ${shown} only: ${why}, at the pod's IP; write "${want}" (every address)`);
  }
  if (tls && !reachable.some((l) => l.params.includes('ssl'))) {
    throw invalid('nginxConf', summary, `has no "${want}": ${why}`);
  }
  const odd = reachable.flatMap((l) => l.params).find((p) => p === 'ssl' || p === 'proxy_protocol');
  if (!tls && reachable.every((l) => l.params.includes('ssl') || l.params.includes('proxy_protocol'))) {
    throw invalid('nginxConf', summary, `listens on ${port} with "${odd}": ${why}, and the probes speak plain HTTP; write "${want}"`);
  }
}
