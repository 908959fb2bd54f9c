#include "plugins/http_target/options.h"

namespace sp::http {

const sp_option_decl kTargetOptionDecls[kTargetOptionCount] = {
    {"base_url", SP_OPT_STRING, nullptr, 1,
     "http[s]://host[:port][/prefix] of the system under test; the prefix is prepended to every "
     "request path. https:// speaks TLS, verifying the server's certificate and name."},
    {"connect_timeout", SP_OPT_DURATION, "5s", 0,
     "How long opening a TCP connection (and, for https://, the TLS handshake) may take before "
     "the request fails with connect_timeout."},
    {"response_timeout", SP_OPT_DURATION, "30s", 0,
     "How long a complete response may take, from the first byte of the request written, "
     "before the request fails with response_timeout."},
    {"headers", SP_OPT_JSON, nullptr, 0,
     "Map of header name to value added to every request; a request's own headers override "
     "these by name (case-insensitive)."},
    // https:// only (tls_options.cc reads them).
    {"insecure", SP_OPT_BOOL, "false", 0,
     "https: accept any server certificate and name without verification (self-signed test "
     "servers). Off by default: the chain and the host name are verified."},
    {"ca_file", SP_OPT_PATH, nullptr, 0,
     "https: PEM file of CA certificates to trust instead of the system's trust store."},
    {"server_name", SP_OPT_STRING, nullptr, 0,
     "https: the name sent as SNI and verified against the certificate, instead of base_url's "
     "host (e.g. when base_url is an IP address)."},
    {"tls_min_version", SP_OPT_STRING, "1.2", 0,
     "https: the lowest TLS version offered, \"1.2\" or \"1.3\"."},
    {"tls_resume", SP_OPT_BOOL, "true", 0,
     "https: resume the worker's last TLS session on new connections (abbreviated handshakes); "
     "false makes every new connection do a full handshake."},
    {"client_cert", SP_OPT_PATH, nullptr, 0,
     "https: PEM file of the client certificate presented to servers that ask for one (mutual "
     "TLS), optionally followed by its intermediate CA certificates; relative to the plan's "
     "folder."},
    {"client_key", SP_OPT_PATH, nullptr, 0,
     "https: PEM file of client_cert's private key (default: the key is in client_cert's file)."},
    {"client_key_password", SP_OPT_STRING, nullptr, 0,
     "https: the password of an encrypted client_key. Put it in a ${VARIABLE} listed in the "
     "plan's secrets: so that it never appears in a report."},
    // Templates and responses (dynamic_config.cc reads them).
    {"data_file", SP_OPT_PATH, nullptr, 0,
     "CSV file (header row = column names) whose rows templates read as {{ data.<column> }}; "
     "relative to the plan's folder."},
    {"data_mode", SP_OPT_STRING, "sequential", 0,
     "How each VU iteration picks its data_file row: sequential (file order, shared by all "
     "VUs, wrapping), random, or unique (VU n reads row n)."},
    {"rules", SP_OPT_JSON, nullptr, 0,
     "List of {event: name, when: {status, header, body_contains, body_matches, json}} applied "
     "to every response: a match reports the named event."},
    {"max_body_capture", SP_OPT_SIZE, "1MiB", 0,
     "Most response body bytes kept for checks, captures and rules that read the body; a longer "
     "body fails them as check \"response body over max_body_capture\"."},
    {"max_connections", SP_OPT_INT, "0", 0,
     "Most connections each load thread keeps open (0: as many as requests in flight). When all "
     "are busy, new requests wait in the target for a free one, in order; their latency counts "
     "the wait (from the intended start), their service time does not - as in wrk2."},
    {"cookies", SP_OPT_BOOL, "true", 0,
     "Keep a cookie jar per virtual user (RFC 6265): Set-Cookie of every response is stored and "
     "the matching cookies are sent back in a Cookie header, as a browser would."},
    {"cookies_reset", SP_OPT_STRING, "never", 0,
     "When a virtual user's jar is emptied: never (it lives as long as the user), or iteration "
     "(each iteration of its scenario starts with no cookies)."},
    {"resolve", SP_OPT_JSON, nullptr, 0,
     "Map of \"host:port\" to an IP address, like curl's --resolve: connections to base_url's "
     "host and port go to that address, while Host, SNI and certificate checks keep the name."},
    {"max_redirects", SP_OPT_INT, "10", 0,
     "Most redirects (301, 302, 303, 307, 308 to base_url's origin) followed per request, each "
     "hop reported as a request of its own; one more fails the request with too_many_redirects. "
     "0: redirects are not followed (the 3xx is the response). At most 1000."},
    {"protocol", SP_OPT_STRING, "http1", 0,
     "http1 (HTTP/1.1) or http2: HTTP/2 negotiated by ALPN (\"h2\") for https://, prior-knowledge "
     "h2c for http://."},
    {"max_streams", SP_OPT_INT, "1", 0,
     "http2: most requests in flight at once on one connection (concurrent streams, also bounded "
     "by the server's SETTINGS_MAX_CONCURRENT_STREAMS); a new connection opens only when every "
     "open one is full."},
    {"local_addresses", SP_OPT_JSON, nullptr, 0,
     "List of IP addresses (IPv4 or IPv6 literals) the connections bind to as their source: user "
     "n's new connections use the (n mod count)-th of those of the destination's family. Each "
     "source address has its own ephemeral port range, so one run can hold more connections to "
     "one host:port than one range allows (like k6's --local-ips)."},
};

const sp_option_decl kRequestOptionDecls[kRequestOptionCount] = {
    {"method", SP_OPT_STRING, "GET", 0, "HTTP method (token characters only, e.g. GET, POST)."},
    {"path", SP_OPT_STRING, "/", 0,
     "Request path and query, starting with '/'; appended to base_url's prefix. May use "
     "{{ }} templates (vu, seq, uuid, random_int(a, b), data.<column>, captures, ...)."},
    {"headers", SP_OPT_JSON, nullptr, 0,
     "Map of header name to value for this request; overrides the target's headers by name. "
     "Values may use {{ }} templates."},
    {"body", SP_OPT_STRING, nullptr, 0,
     "Request body, sent with Content-Length. Without a Content-Type header, a JSON object or "
     "array body is sent as application/json, any other as text/plain; charset=utf-8. May use "
     "{{ }} templates; Content-Length is then computed per request."},
    {"capture", SP_OPT_JSON, nullptr, 0,
     "Map of name to {json: $.path} | {header: Name, regex?: re} | {cookie: name, regex?: re} | "
     "{regex: re} (+ default): "
     "values from the response that later steps of the same iteration use as {{ name }}."},
    {"checks", SP_OPT_JSON, nullptr, 0,
     "List of checks on the response, each {name?, status | header | body_contains | "
     "body_matches | json}; the first failing one makes the request check_failed."},
    {"rules", SP_OPT_JSON, nullptr, 0,
     "List of {event: name, when: {conditions}} for this step's responses (after the target's "
     "rules): a match reports the named event."},
    {"cookies", SP_OPT_BOOL, nullptr, 0,
     "false: this request neither sends the VU's cookies nor stores the ones its response sets "
     "(default: the target's cookies option)."},
    {"form", SP_OPT_JSON, nullptr, 0,
     "Map of field name to value (or list of values) sent as an application/x-www-form-urlencoded "
     "body, in order; instead of body. Values may use {{ }} templates (encoded per request)."},
    {"multipart", SP_OPT_JSON, nullptr, 0,
     "Map of field name to text, {file: path, filename?, content_type?} or a list of those, sent "
     "as a multipart/form-data body in order, files streamed from disk; instead of body."},
    {"multipart_dir", SP_OPT_PATH, ".", 0,
     "The folder relative multipart file paths start from (default: the plan's folder)."},
    {"max_redirects", SP_OPT_INT, nullptr, 0,
     "Most redirects this request follows (default: the target's max_redirects); 0: none."},
};

}  // namespace sp::http
