#!/usr/bin/env python3
"""Derives the tuning variants of the alertmanager example's nginx.conf from the generated one.

Each variant changes named things in a copy of the generated config (dist/alertmanager.k8s.yaml,
ConfigMap alertmanager-proxy-config), so every figure in BENCHMARKS.md traces to an exact diff.
Usage: python3 bench/configs/derive.py GENERATED.conf OUTDIR
"""
import re
import sys

COMPRESSOR = '''
  # Compress once: the cached locations fetch through this internal listener, which asks the app
  # for identity and gzips, so the cache stores compressed bytes and a hit costs no compression.
  # The normalised encoding ("gzip" or "") is part of the cache key.
  map $http_accept_encoding $sidecar_gzip {
    default "";
    "~*gzip\\s*;\\s*q=0(\\.0+)?\\s*(,|$)" "";
    "~*gzip" gzip;
  }
  upstream sidecar_compress {
    server %(addr)s;
    keepalive 16;
  }
  server {
    listen %(addr)s;
    access_log off;
    error_page 500 501 502 503 504 /_sidecar/50x.html;
    location = /_sidecar/50x.html {
      internal;
      alias /etc/nginx/sidecar/50x.html;
      add_header Cache-Control "no-store" always;
    }
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header Accept-Encoding "";
      proxy_connect_timeout 5s;
      proxy_send_timeout 1m;
      proxy_read_timeout 1m;
    }
  }
'''


def variant(conf, nopush=True, sendfile=True, nodelay=True, gz=None, ignore_vary=True, wc=1024, logbuf=False,
            ofc=False, reuseport=False, sock='unix', level=None):
    c = conf
    if not nopush:
        c = c.replace('  tcp_nopush on;\n', '  tcp_nopush off;\n')
    if not sendfile:
        c = c.replace('  sendfile on;\n', '  sendfile off;\n')
    if not nodelay:
        c = c.replace('  keepalive_timeout', '  tcp_nodelay off;\n  keepalive_timeout')
    if wc != 1024:
        c = c.replace('  worker_connections 1024;', '  worker_connections %d;' % wc)
        c = c.replace('worker_processes 1;\n', 'worker_processes 1;\nworker_rlimit_nofile %d;\n' % (2 * wc))
    if logbuf:
        c = c.replace('access_log /dev/stdout sidecar;', 'access_log /dev/stdout sidecar buffer=64k flush=1s;')
    if ofc:
        c = c.replace('  keepalive_timeout', '  open_file_cache max=1000 inactive=60s;\n  keepalive_timeout')
    if reuseport:
        c = c.replace('    listen 8080;', '    listen 8080 reuseport;')
    if gz:
        addr = 'unix:/var/cache/nginx/compress.sock' if sock == 'unix' else '127.0.0.1:8079'
        compressor = COMPRESSOR.lstrip('\n') % {'addr': addr}
        if level:
            # Compressed once per cache fill, so the best ratio costs nothing per hit.
            compressor = compressor.replace('    access_log off;\n', '    access_log off;\n    gzip_comp_level %d;\n' % level)
        c = c.replace('  upstream app {', compressor + '\n  upstream app {')
        # Only the cached locations (they have proxy_cache) go through the compressor.
        def cached(m):
            block = m.group(0)
            if 'proxy_cache sidecar_cache;' not in block:
                return block
            block = block.replace('proxy_pass http://app;', 'proxy_pass http://sidecar_compress;')
            if gz == 'two-variants':
                block = block.replace('proxy_set_header Connection "";', 'proxy_set_header Connection "";\n      proxy_set_header Accept-Encoding $sidecar_gzip;')
                block = block.replace('proxy_cache_key $scheme$host$request_uri;', 'proxy_cache_key $scheme$host$request_uri|$sidecar_gzip;')
                # Compressed upstream already (with its Vary); a second gzip_vary here would repeat the header.
                block = block.replace('proxy_cache sidecar_cache;', 'proxy_cache sidecar_cache;\n      gzip off;')
            else:  # gunzip: one gzip variant; clients without gzip get it decompressed on every hit
                block = block.replace('proxy_set_header Connection "";', 'proxy_set_header Connection "";\n      proxy_set_header Accept-Encoding gzip;')
                block = block.replace('proxy_cache sidecar_cache;', 'proxy_cache sidecar_cache;\n      gunzip on;')
            if ignore_vary:
                block = block.replace('proxy_ignore_headers Cache-Control Expires;', 'proxy_ignore_headers Cache-Control Expires Vary;')
            return block
        c = re.sub(r'    location [^{]*\{\n(?:      .*\n)*?    \}\n', cached, c)
    return c


VARIANTS = {
    '01-nopush-off': dict(nopush=False),
    '02-gunzip': dict(nopush=False, gz='gunzip'),
    '03-two-variants': dict(nopush=False, gz='two-variants'),
    '04-two-variants-vary-kept': dict(nopush=False, gz='two-variants', ignore_vary=False),
    '05-two-variants-tcp': dict(nopush=False, gz='two-variants', sock='tcp'),
    '06-sendfile-off': dict(nopush=False, gz='two-variants', sendfile=False),
    '07-nodelay-off': dict(nopush=False, gz='two-variants', nodelay=False),
    '08-wc4096': dict(nopush=False, gz='two-variants', wc=4096),
    '09-logbuf': dict(nopush=False, gz='two-variants', logbuf=True),
    '10-open-file-cache': dict(nopush=False, gz='two-variants', ofc=True),
    '11-reuseport': dict(nopush=False, gz='two-variants', reuseport=True),
    '12-all': dict(nopush=False, gz='two-variants', wc=4096, logbuf=True, ofc=True),
    '13-all-nopush-on': dict(nopush=True, gz='two-variants', wc=4096, logbuf=True, ofc=True),
    '14-level9': dict(nopush=False, gz='two-variants', level=9),
}

if __name__ == '__main__':
    generated = open(sys.argv[1]).read()
    for name, opts in VARIANTS.items():
        out = variant(generated, **opts)
        assert out != generated, name
        open('%s/%s.conf' % (sys.argv[2], name), 'w').write(out)
