import { LAYOUT, TLS_FILES } from './layout';

/**
 * The nginx container's command when TLS certificates are reloaded on rotation. The kubelet updates
 * a mounted Secret in place (a new `..data` directory swapped in by one rename), but nginx reads
 * its certificate only when it starts or reloads, and nothing outside the container can send it
 * the signal. So the container's shell starts a small loop and then becomes nginx (`exec`, so
 * nginx stays the main process and gets the stop signal): every `seconds` the loop takes a
 * checksum of the two files and, once a new checksum has held for one whole interval (a writer
 * that replaces files one by one is finished), runs `nginx -s reload` with nginx's own command
 * line. A reload is graceful: new workers take the new certificate, old ones finish their
 * requests. A failed reload (a key that does not match) leaves nginx on the old certificate and
 * logs why; the loop tries again at the next change. It ends when nginx has exited.
 *
 * Cost: one `sleep`, `cat` and `cksum` per interval (a few ms of CPU per minute at 10 s), in a
 * shell of about 1 MiB. It reads the key only to notice changes, inside the container that
 * serves it.
 */
export function reloadingCommand(nginx: string[], seconds: number): string[] {
  const files = [TLS_FILES.certificate, TLS_FILES.key].map((f) => `${LAYOUT.tlsDir}/${f}`).join(' ');
  const pid = `${LAYOUT.varDir}/nginx.pid`;
  // The kubelet expands $(NAME) and turns $$ into $ in a command: the script uses neither (backticks,
  // and nginx's pid file to know it is running: once it has been there and is gone, the loop ends).
  const script = [
    `sum() { cat ${files} 2>/dev/null | cksum; }`,
    'loaded=`sum`; seen=$loaded; up=',
    `while sleep ${seconds}; do`,
    `  if [ ! -e ${pid} ]; then if [ -n "$up" ]; then break; fi; continue; fi`,
    '  up=1; now=`sum`',
    '  if [ "$now" = "$seen" ] && [ "$now" != "$loaded" ]; then',
    `    echo "tls-reload: the certificate in ${LAYOUT.tlsDir} changed; reloading nginx" >&2`,
    '    "$@" -s reload && loaded=$now',
    '  fi',
    '  seen=$now',
    'done &',
    'exec "$@"',
  ].join('\n');
  // `sh -c script name args...`: the script gets nginx's command line as "$@".
  return ['/bin/sh', '-c', script, 'tls-reload', ...nginx];
}
