import { LAYOUT, TLS_FILES } from '../layout';

/** The temp paths the rendered nginx.conf uses; the check config uses the same, so it makes no directory of its own. */
const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * The public key type of a PEM file's first block, for sh: `rsa`, `ec`, `ed25519` or `unknown`, from
 * a PKCS#1 or SEC1 key's header, else the algorithm OID in the DER (a certificate's subject key, a
 * PKCS#8 key's algorithm; a certificate's signature OIDs differ from these). Needs sed, grep, base64,
 * od and tr (busybox has them all).
 */
const KEY_TYPE = [
  'keytype() {',
  // CRLF line ends made LF (GNU base64 refuses a CR), and the EC PARAMETERS block that `openssl
  // ecparam -genkey` writes before the key left out.
  '  pem=`tr -d \'\\r\' < "$1" | sed \'/^-----BEGIN EC PARAMETERS/,/^-----END EC PARAMETERS/d\'`',
  '  case `printf \'%s\\n\' "$pem" | sed -n \'/^-----BEGIN/{p;q;}\'` in',
  '    *\'BEGIN RSA PRIVATE KEY\'*) echo rsa; return;;',
  '    *\'BEGIN EC PRIVATE KEY\'*) echo ec; return;;',
  '  esac',
  '  der=`printf \'%s\\n\' "$pem" | sed -n \'/^-----BEGIN/,/^-----END/p\' | sed \'/^-----END/q\' | grep -v \'^-----\' | base64 -d 2>/dev/null '
    + '| od -An -v -tx1 | tr -s \' \\n\' \'  \'`',
  '  case " $der " in',
  '    *\' 06 09 2a 86 48 86 f7 0d 01 01 01 \'*) echo rsa;;',
  '    *\' 06 07 2a 86 48 ce 3d 02 01 \'*) echo ec;;',
  '    *\' 06 03 2b 65 70 \'*) echo ed25519;;',
  '    *) echo unknown;;',
  '  esac',
  '}',
];

/**
 * The container start's lines (sh) when TLS certificates are reloaded on rotation. The kubelet updates
 * a mounted Secret in place (a new `..data` directory swapped in by one rename), but nginx reads
 * its certificate only when it starts or reloads, and nothing outside the container can send it
 * the signal. So the container's shell starts a small loop in the background before it becomes
 * nginx (see startCommand): every `seconds` the loop takes a checksum of the two files and, once a
 * new checksum has held for one whole interval (a writer that replaces files one by one is
 * finished), checks that the pair can serve and only then runs `nginx -s reload` with nginx's own
 * command line (the script's "$@"). A reload is graceful: new workers take the new
 * certificate, old ones finish their requests.
 *
 * The check, so that a bad Secret never takes HTTPS down: `nginx -t` on a config that loads only
 * the pair (it refuses garbage, an empty file and a key of the certificate's type that does not
 * match), and the key must be of the certificate's type (nginx -t accepts an ECDSA certificate with
 * an RSA key, after which every handshake fails). A pair that fails is not loaded: nginx keeps
 * serving the certificate it has, and the loop logs why at error level every interval until a good
 * pair arrives. The loop ends when nginx has exited.
 *
 * Cost: one `sleep`, `cat` and `cksum` per interval (a few ms of CPU per minute at 10 s), in a
 * shell of about 1 MiB, and the check only when the files change. It reads the key only to notice
 * changes and check it, inside the container that serves it.
 */
export function tlsReloadLines(seconds: number): string[] {
  const crt = `${LAYOUT.tlsDir}/${TLS_FILES.certificate}`;
  const key = `${LAYOUT.tlsDir}/${TLS_FILES.key}`;
  const pid = `${LAYOUT.varDir}/nginx.pid`;
  const check = `${LAYOUT.varDir}/tls-check.conf`;
  const checkConf = [
    `pid ${LAYOUT.varDir}/tls-check.pid;`, 'error_log stderr;', 'events {}', 'http {', '  access_log off;',
    ...TEMP_PATHS.map((t) => `  ${t}_temp_path ${LAYOUT.varDir}/${t}_temp;`),
    `  server { listen unix:${LAYOUT.varDir}/tls-check.sock ssl; ssl_certificate ${crt}; ssl_certificate_key ${key}; }`, '}',
  ];
  // The kubelet expands $(NAME) and turns $$ into $ in a command: the script uses neither (backticks,
  // and nginx's pid file to know it is running: once it has been there and is gone, the loop ends).
  return [
    `sum() { cat ${crt} ${key} 2>/dev/null | cksum; }`,
    ...KEY_TYPE,
    `printf '%s\\n' ${checkConf.map((l) => `'${l}'`).join(' ')} > ${check}`,
    'usable() {',
    `  "$1" -t -q -e stderr -c ${check} || return 1`,
    `  c=\`keytype ${crt}\`; k=\`keytype ${key}\``,
    // DSA and other types: the HTTPS server's suites (ECDHE with ECDSA or RSA; TLS 1.3) cannot use them.
    '  [ "$c" = "$k" ] && [ "$c" != unknown ] && return 0',
    `  echo "tls-reload: [error] ${crt} holds a $c certificate and ${key} a $k key: no handshake would succeed `
      + '(both must be RSA, ECDSA or Ed25519, of one type)" >&2',
    '  return 1',
    '}',
    'loaded=`sum`; seen=$loaded; up=',
    `while sleep ${seconds}; do`,
    `  if [ ! -e ${pid} ]; then if [ -n "$up" ]; then break; fi; continue; fi`,
    '  up=1; now=`sum`',
    '  if [ "$now" = "$seen" ] && [ "$now" != "$loaded" ]; then',
    '    if usable "$1"; then',
    `      echo "tls-reload: the certificate in ${LAYOUT.tlsDir} changed; reloading nginx" >&2`,
    '      "$@" -s reload && loaded=$now',
    '    else',
    `      echo "tls-reload: [error] the certificate and key in ${LAYOUT.tlsDir} cannot serve HTTPS; nginx keeps the ones it has `
      + `(checked again every ${seconds}s)" >&2`,
    '    fi',
    '  fi',
    '  seen=$now',
    'done &',
  ];
}
