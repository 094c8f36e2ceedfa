# Varnish 7.1 in front of AlertManager for the benchmark's job: cache the UI's assets, compress
# text, pass everything else (the API). Choices and why: bench/peers/README.md.
vcl 4.1;

backend app {
  .host = "127.0.0.1";
  .port = "9093";
}

sub vcl_recv {
  if (req.url ~ "^/lib/" || req.url == "/favicon.ico") {
    # The same privacy rule as the sidecar: a request with credentials is never answered from,
    # nor stored in, the cache.
    if (req.http.Authorization) {
      return (pass);
    }
    return (hash);
  }
  return (pass);
}

sub vcl_backend_response {
  if (bereq.uncacheable) {
    return (deliver);
  }
  if (beresp.status == 200 || beresp.status == 301) {
    # AlertManager marks its assets no-cache; the sidecar's cached route keeps them an hour.
    unset beresp.http.Cache-Control;
    unset beresp.http.Expires;
    set beresp.ttl = 1h;
    set beresp.grace = 10m;
    if (beresp.http.Content-Type ~ "^(text/|application/(javascript|json|xml)|image/svg)") {
      # Stored gzipped once; Varnish gunzips on delivery for a client without gzip.
      set beresp.do_gzip = true;
    }
  } else {
    set beresp.ttl = 0s;
    set beresp.uncacheable = true;
  }
  return (deliver);
}

sub vcl_deliver {
  # The cache status for the cached paths only, as the sidecar reports it.
  if (req.url !~ "^/lib/" && req.url != "/favicon.ico") {
    return (deliver);
  }
  if (obj.uncacheable) {
    set resp.http.X-Cache-Status = "BYPASS";
  } elsif (obj.hits > 0) {
    set resp.http.X-Cache-Status = "HIT";
  } else {
    set resp.http.X-Cache-Status = "MISS";
  }
}
