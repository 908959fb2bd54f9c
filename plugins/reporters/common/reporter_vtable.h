// A reporter class turned into the C vtable of reporter.h, with every exception caught at the
// edge (plugin.h: ERRORS). The class provides
//
//   static std::unique_ptr<R> Create(const sp_options* options);
//   void OnRunStart(nlohmann::json document);
//   void OnSnapshot(nlohmann::json document);  // optional, with OnEvent (run_documents.h)
//   void OnEvent(nlohmann::json document);     // optional, with OnSnapshot
//   void OnSummary(nlohmann::json document);
//   void Finish();                             // writes the report
//
// and reports failures by throwing: InvalidOption (sp_error.h) from Create becomes
// SP_INVALID_ARGUMENT naming the option; any other exception becomes SP_ERROR with its message,
// after "bad document: " when on_document failed.
//
//   const sp_reporter_vtable kVtable = sp::reporters::MakeReporterVtable<MyReporter>();
#pragma once

#include <stressplan/reporter.h>

#include <exception>
#include <memory>
#include <string>

#include "common/run_documents.h"
#include "common/sp_error.h"
#include "plugins/common/sp_error.h"

namespace sp::reporters {

namespace edge {

// Runs `body` and turns what it throws into the returned status and `err`.
template <class Body>
sp_status Guarded(sp_error* err, const char* prefix, Body&& body) noexcept {
  try {
    body();
    return SP_OK;
  } catch (const InvalidOption& e) {
    plugin_common::write_error(err, e.what(), e.option());
    return SP_INVALID_ARGUMENT;
  } catch (const std::exception& e) {
    plugin_common::write_error(err, std::string(prefix) + e.what());
    return SP_ERROR;
  } catch (...) {
    plugin_common::write_error(err, std::string(prefix) + "unknown error");
    return SP_ERROR;
  }
}

template <class R>
sp_status Create(const sp_host_api*, void*, const sp_options* options, void** instance,
                 sp_error* err) noexcept {
  return Guarded(err, "", [&] { *instance = R::Create(options).release(); });
}

// check_options (ABI 1.2): the same Create, its instance discarded. A reporter's Create only
// reads its options; the report is written at Finish.
template <class R>
sp_status CheckOptions(const sp_host_api*, void*, const sp_options* options, sp_error* err) noexcept {
  return Guarded(err, "", [&] { R::Create(options); });
}

template <class R>
sp_status OnDocument(void* instance, sp_document_kind kind, sp_str doc, sp_error* err) noexcept {
  return Guarded(err, "bad document: ", [&] { DeliverDocument(*static_cast<R*>(instance), kind, doc); });
}

template <class R>
sp_status Finish(void* instance, sp_error* err) noexcept {
  return Guarded(err, "", [&] { static_cast<R*>(instance)->Finish(); });
}

template <class R>
void Destroy(void* instance) noexcept {
  delete static_cast<R*>(instance);
}

}  // namespace edge

template <class R>
constexpr sp_reporter_vtable MakeReporterVtable() {
  return {sizeof(sp_reporter_vtable), edge::Create<R>,   edge::OnDocument<R>, edge::Finish<R>,
          edge::Destroy<R>,           edge::CheckOptions<R>};
}

}  // namespace sp::reporters
