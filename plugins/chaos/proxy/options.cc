#include "plugins/chaos/proxy/options.h"

namespace sp::proxy {

const sp_option_decl kSiteOptionDecls[kSiteOptionCount] = {
    {"listen", SP_OPT_STRING, nullptr, 1,
     "host:port the proxy listens on (e.g. 127.0.0.1:18091); port 0 lets the kernel choose one, "
     "which the proxy logs. An address other machines can reach (0.0.0.0, *, ::, a LAN address) "
     "needs allow_remote: true."},
    {"upstream", SP_OPT_STRING, nullptr, 1,
     "host:port every accepted connection is forwarded to (e.g. 127.0.0.1:18092)."},
    {"protocol", SP_OPT_STRING, "tcp", 0,
     "tcp (bytes only) or http (HTTP/1.1 framing is followed in both directions, so the "
     "http_* toxics are decided per request, also on keep-alive connections)."},
    {"connect_timeout", SP_OPT_DURATION, "5s", 0,
     "How long connecting to the upstream may take before the client's connection is closed."},
    {"allow_remote", SP_OPT_BOOL, "false", 0,
     "Allow a listen address that is not loopback, so other machines can connect through the "
     "proxy to its upstream."},
};

const sp_option_decl kFaultOptionDecls[kFaultOptionCount] = {
    {"toxic", SP_OPT_STRING, nullptr, 1,
     "What the proxy does: latency, bandwidth, slicer, slow_close, timeout, reset_peer, "
     "limit_data, refuse, http_abort or http_delay (see docs/faults/proxy.md)."},
    {"direction", SP_OPT_STRING, "downstream", 0,
     "Which data the toxic acts on: downstream (upstream to client), upstream (client to "
     "upstream) or both. Ignored by refuse and the http_* toxics."},
    {"probability", SP_OPT_FLOAT, "1.0", 0,
     "0..1 (or 0%..100%): the chance the toxic applies; drawn once per connection for TCP toxics, once per "
     "request for http_* toxics."},
    {"latency", SP_OPT_DURATION, nullptr, 0,
     "latency: delay added to every chunk of data (order is kept)."},
    {"jitter", SP_OPT_DURATION, "0s", 0, "latency: uniform random +/- jitter around latency."},
    {"rate", SP_OPT_SIZE, nullptr, 0, "bandwidth: bytes per second (e.g. 64KiB)."},
    {"slice_size", SP_OPT_SIZE, "64", 0, "slicer: average size of each slice."},
    {"size_variation", SP_OPT_SIZE, "0", 0, "slicer: slices vary by up to +/- this many bytes."},
    {"slice_delay", SP_OPT_DURATION, "1ms", 0, "slicer: delay between slices."},
    {"delay", SP_OPT_DURATION, "0s", 0,
     "slow_close: delay before a close is passed on; timeout: close after this long (0: hold "
     "forever); reset_peer: reset after this long (0: at once); http_delay: delay of each "
     "matched request."},
    {"bytes", SP_OPT_SIZE, nullptr, 0,
     "limit_data: close the connection once this many bytes passed in the direction."},
    {"status", SP_OPT_INT, "503", 0, "http_abort: status code of the proxy's own answer."},
    {"headers", SP_OPT_JSON, nullptr, 0,
     "http_abort: map of header name to string value added to the answer."},
    {"body", SP_OPT_STRING, nullptr, 0, "http_abort: body of the answer (Content-Length is set)."},
};

}  // namespace sp::proxy
