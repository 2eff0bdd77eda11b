vcl 4.1;
# Varnish 7 in front of Dateline, purging by the keys in each page's
# Surrogate-Key header (the xkey module: Debian's varnish-modules).
#
# - Dateline sends `PURGE /` with `xkey-purge: article-42 home` after a
#   change; only the addresses in `purgers` may purge.
# - Pages are kept as long as Dateline's Cache-Control says (max-age=60)
#   and, for stale-if-error, up to a day longer: with every node down, the
#   last copies are served. While the nodes answer, a stale copy is served
#   at most stale-while-revalidate (10 minutes) while a fresh one is fetched.
# - Newsroom, account and API requests, and anything with a cookie, pass.
#
# Replace the backend (or use a director over several nodes, see
# docs/cluster.md) and the purgers' addresses.

import std;
import xkey;

# BACKENDS (scripts/cluster writes its own between these lines)
backend dateline {
    .host = "127.0.0.1";
    .port = "8080";
    .probe = {
        # Liveness (the database answers a read), not /readyz: readers'
        # requests only read, so a node that cannot write still serves
        # them, and /readyz writes a probe row each time it is asked.
        .url = "/healthz";
        .interval = 2s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
    }
}

# END BACKENDS

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = dateline; # BACKEND HINT
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from " + client.ip));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "Name the keys in xkey-purge or xkey-softpurge"));
        }
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    # Prometheus's numbers are for the operator's network, not readers.
    if (req.url ~ "^(https?://[^/]+)?/metrics(/|\?|$)") {
        return (synth(404, "Not found"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|account|api/v1/admin)(/|$)" || req.http.Authorization) {
        return (pass);
    }
    # Reader pages set no cookies; a signed-in reader's or editor's
    # requests carry one and are theirs alone.
    if (req.http.Cookie) {
        return (pass);
    }
    # While the nodes answer, serve a stale copy only briefly.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10m;
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        # A background refresh that failed keeps the stale copy.
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        # A reader's fetch that failed gets one more try, which a director
        # sends to another node. Only reads: a form is never sent twice.
        if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
            return (retry);
        }
    }
    # The keys for xkey.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # stale-if-error: kept a day past its time for when no node answers.
    set beresp.grace = 24h;
    # Private and no-store answers (the newsroom, accounts) are never kept.
    if (beresp.http.Cache-Control ~ "(private|no-store)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_backend_error {
    # A background refresh that reached no node keeps the stale copy.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    # A node that stopped between probes: one more try, which a director
    # over several nodes sends to another.
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
    # No node answered and nothing stale is kept: say so plainly.
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Retry-After = "10";
    synthetic("The site is unavailable for a moment.");
    return (deliver);
}

sub vcl_deliver {
    # The keys are for caches, not readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
