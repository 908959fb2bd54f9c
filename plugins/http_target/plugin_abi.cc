#include "plugins/http_target/plugin_abi.h"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "plugins/common/descriptor.h"
#include "plugins/common/guarded.h"
#include "plugins/common/sp_error.h"
#include "plugins/http_target/instance.h"
#include "plugins/http_target/options.h"
#include "plugins/http_target/version.h"
#include "plugins/http_target/worker.h"

namespace sp::http {
namespace {

using plugin_common::WriteError;

// Runs fn, turning any exception into SP_ERROR with its text.
template <class Fn>
sp_status Guarded(sp_error* err, Fn&& fn) noexcept {
  return plugin_common::Guarded(err, "http target", std::forward<Fn>(fn));
}

sp_status Create(const sp_host_api* host, void* host_ctx, const sp_options* options,
                 const sp_request_spec* requests, size_t request_count, void** instance,
                 sp_error* err) {
  return Guarded(err, [&] {
    if (instance == nullptr || (request_count > 0 && requests == nullptr)) {
      WriteError(err, "http target: create called without an instance pointer or requests");
      return SP_INVALID_ARGUMENT;
    }
    OptionError refused;
    std::unique_ptr<Instance> inst =
        Instance::Create(host, host_ctx, options, requests, request_count, &refused);
    if (!inst) {
      WriteError(err, refused);
      return SP_INVALID_ARGUMENT;
    }
    *instance = inst.release();
    return SP_OK;
  });
}

sp_status CheckOptions(const sp_host_api* host, void* host_ctx, const sp_options* options,
                       const sp_request_spec* requests, size_t request_count, sp_error* err) {
  return Guarded(err, [&] {
    if (request_count > 0 && requests == nullptr) {
      WriteError(err, "http target: check_options called without requests");
      return SP_INVALID_ARGUMENT;
    }
    OptionError refused;
    if (Instance::Check(host, host_ctx, options, requests, request_count, &refused)) return SP_OK;
    WriteError(err, refused);
    return SP_INVALID_ARGUMENT;
  });
}

sp_status Preflight(void* instance, sp_error* err) {
  return Guarded(err, [&] {
    std::string why;
    if (static_cast<Instance*>(instance)->Preflight(&why)) return SP_OK;
    WriteError(err, why, "base_url");
    return SP_ERROR;
  });
}

sp_status WorkerOpen(void* instance, const sp_worker_host* host, void** worker, sp_error* err) {
  return Guarded(err, [&] {
    if (worker == nullptr || host == nullptr ||
        host->struct_size < offsetof(sp_worker_host, complete) + sizeof host->complete ||
        host->complete == nullptr) {
      WriteError(err, "http target: worker_open needs a worker host with a complete callback");
      return SP_INVALID_ARGUMENT;
    }
    auto w = std::make_unique<Worker>(*static_cast<const Instance*>(instance), *host);
    std::string why;
    if (!w->Open(&why)) {
      WriteError(err, "http target: cannot open a worker: " + why);
      return SP_ERROR;
    }
    *worker = w.release();
    return SP_OK;
  });
}

sp_status Submit(void* worker, const sp_request* request, sp_error* err) {
  return Guarded(err, [&] {
    if (request == nullptr ||
        request->struct_size < offsetof(sp_request, request) + sizeof request->request) {
      WriteError(err, "http target: submit called with a missing or truncated sp_request");
      return SP_INVALID_ARGUMENT;
    }
    std::string why;
    if (static_cast<Worker*>(worker)->Submit(*request, &why)) return SP_OK;
    WriteError(err, "http target: " + why);
    return SP_INVALID_ARGUMENT;
  });
}

int Poll(void* worker, uint64_t deadline_ns) {
  try {
    return static_cast<Worker*>(worker)->Poll(deadline_ns);
  } catch (...) {
    return -1;
  }
}

void CancelAll(void* worker) {
  try {
    static_cast<Worker*>(worker)->CancelAll();
  } catch (...) {
    // Only allocation can throw here; whatever was delivered stays delivered.
  }
}

void ReleaseVu(void* worker, uint32_t vu) {
  try {
    static_cast<Worker*>(worker)->ReleaseVu(vu);
  } catch (...) {
    // Nothing here allocates; a connection left open is only one too many in the pool.
  }
}

void WorkerClose(void* worker) { delete static_cast<Worker*>(worker); }

void Destroy(void* instance) { delete static_cast<Instance*>(instance); }

const sp_target_vtable kVtable = {
    sizeof(sp_target_vtable),
    kRequestOptionDecls,
    kRequestOptionCount,
    Create,
    Preflight,
    WorkerOpen,
    Submit,
    Poll,
    CancelAll,
    WorkerClose,
    Destroy,
    CheckOptions,
    ReleaseVu,
};

const sp_plugin_descriptor kDescriptor = plugin_common::MakeDescriptor(
    SP_KIND_TARGET, "http", kVersion,
    "HTTP/1.1 requests over keep-alive connections, one epoll event loop per worker thread",
    kTargetOptionDecls, &kVtable);

}  // namespace

const sp_plugin_descriptor* PluginDescriptor() { return &kDescriptor; }

}  // namespace sp::http
