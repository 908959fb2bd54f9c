// The C edge of a reporter (reporter.h): the sp_reporter_vtable functions that only forward to
// the reporter object, with every exception caught (guarded.h), as FaultEdge does for faults.
// The reporter class R provides
//
//   // nullptr with *err saying why; err->option names the option when one is at fault
//   static std::unique_ptr<R> FromOptions(const sp_options* options, OptionError* err);
//   void OnRunStart(nlohmann::json document);
//   void OnSnapshot(nlohmann::json document);  // optional, with OnEvent
//   void OnEvent(nlohmann::json document);     // optional, with OnSnapshot
//   void OnSummary(nlohmann::json document);
//   bool Finish(std::string* why);             // writes the report; false with *why
//   bool Open(std::string* why);               // optional: what `create` starts (a listening
//                                              // socket, a thread); never run by check_options
//
//   constexpr char kWho[] = "json reporter";
//   constexpr sp_reporter_vtable kVtable = sp::plugin_common::ReporterEdge<R, kWho>::MakeVtable();
//
// A reporter that has no OnSnapshot and OnEvent does not need them, and they are not even
// parsed. A document that is not JSON, or that an On* function throws on, fails with
// "bad document: <what>"; any other exception is "<kWho>: internal error: <what>".
#pragma once

#include <stressplan/reporter.h>

#include <concepts>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "plugins/common/guarded.h"
#include "plugins/common/option_error.h"
#include "plugins/common/sp_error.h"

namespace sp::plugin_common {

template <class R>
concept ReadsSnapshots = requires(R& r, nlohmann::json d) {
  r.OnSnapshot(std::move(d));
};
template <class R>
concept OpensAtCreate = requires(R& r, std::string* why) {
  { r.Open(why) } -> std::same_as<bool>;
};
template <class R>
concept ReadsEvents = requires(R& r, nlohmann::json d) {
  r.OnEvent(std::move(d));
};

// Parses `doc` and hands it to `reporter` by `kind`. False with *why when it is not JSON or
// the reporter cannot take it (nlohmann::json and the On* functions report by throwing).
template <class R>
bool DeliverDocument(R& reporter, sp_document_kind kind, sp_str doc, std::string* why) {
  constexpr bool kReadsStream = ReadsSnapshots<R>;
  static_assert(kReadsStream == ReadsEvents<R>,
                "a reporter reads both snapshots and events (OnSnapshot, OnEvent) or neither");
  if constexpr (!kReadsStream) {
    if (kind != SP_DOC_RUN_START && kind != SP_DOC_SUMMARY) return true;
  }
  try {
    nlohmann::json d = nlohmann::json::parse(doc.ptr, doc.ptr + doc.len);
    switch (kind) {
      case SP_DOC_RUN_START: reporter.OnRunStart(std::move(d)); break;
      case SP_DOC_SNAPSHOT:
        if constexpr (kReadsStream) reporter.OnSnapshot(std::move(d));
        break;
      case SP_DOC_EVENT:
        if constexpr (kReadsStream) reporter.OnEvent(std::move(d));
        break;
      case SP_DOC_SUMMARY: reporter.OnSummary(std::move(d)); break;
    }
    return true;
  } catch (const std::exception& e) {
    *why = e.what();
    return false;
  }
}

template <class R, const char* kWho>
struct ReporterEdge {
  // SP_INVALID_ARGUMENT when FromOptions refuses an option, SP_ERROR when it fails otherwise.
  static sp_status Create(const sp_host_api*, void*, const sp_options* options, void** instance,
                          sp_error* err) noexcept {
    return Guarded(err, kWho, [&] {
      OptionError refused;
      std::unique_ptr<R> reporter = R::FromOptions(options, &refused);
      if (!reporter) return Refuse(err, refused);
      if constexpr (OpensAtCreate<R>) {
        std::string why;
        if (!reporter->Open(&why)) {
          WriteError(err, why);
          return SP_ERROR;
        }
      }
      *instance = reporter.release();
      return SP_OK;
    });
  }

  // check_options (ABI 1.2): the same FromOptions, its instance discarded. A reporter only
  // reads its options there; the report is written at Finish.
  static sp_status CheckOptions(const sp_host_api*, void*, const sp_options* options,
                                sp_error* err) noexcept {
    return Guarded(err, kWho, [&] {
      OptionError refused;
      if (R::FromOptions(options, &refused)) return SP_OK;
      return Refuse(err, refused);
    });
  }

  static sp_status OnDocument(void* instance, sp_document_kind kind, sp_str doc,
                              sp_error* err) noexcept {
    return Guarded(err, kWho, [&] {
      std::string why;
      if (DeliverDocument(*static_cast<R*>(instance), kind, doc, &why)) return SP_OK;
      WriteError(err, "bad document: " + why);
      return SP_ERROR;
    });
  }

  static sp_status Finish(void* instance, sp_error* err) noexcept {
    return Guarded(err, kWho, [&] {
      std::string why;
      if (static_cast<R*>(instance)->Finish(&why)) return SP_OK;
      WriteError(err, why);
      return SP_ERROR;
    });
  }

  static void Destroy(void* instance) noexcept { delete static_cast<R*>(instance); }

  static constexpr sp_reporter_vtable MakeVtable() {
    return {sizeof(sp_reporter_vtable), Create, OnDocument, Finish, Destroy, CheckOptions};
  }

 private:
  static sp_status Refuse(sp_error* err, const OptionError& refused) {
    WriteError(err, refused);
    return refused.option.empty() ? SP_ERROR : SP_INVALID_ARGUMENT;
  }
};

}  // namespace sp::plugin_common
