// The C edge of a fault whose instances act on their own (no sites) and journal what they did
// (fault.h: journal_record, recover): the sp_fault_vtable functions that only forward to the
// fault object, with every exception caught. The fault class T provides
//
//   // nullptr with *err saying why; err->option names the option when one is at fault
//   static std::unique_ptr<T> FromOptions(const sp_host_api* host, void* host_ctx,
//                                         const sp_options* options, OptionError* err);
//   // FromOptions's option checks alone (the same parser), nothing built: check_options;
//   // or, when the check must ask the host, CheckOptions(host, host_ctx, options, err)
//   static bool CheckOptions(const sp_options* options, OptionError* err);
//   bool Inject(std::string* why);
//   bool Revert(std::string* why);       // only if the plugin uses FaultEdge::Revert
//   bool IsActive() const;
//   size_t JournalRecord(char* buf, size_t cap) const;
//
// and the plugin writes recover and whatever else does not fit:
//
//   constexpr char kWho[] = "command fault";
//   using Edge = sp::plugin_common::FaultEdge<CommandFault, kWho>;
//   const sp_fault_vtable kVtable = Edge::MakeVtable(Edge::Revert, Recover);
//
// kWho starts every message the edge writes ("command fault: internal error: ...").
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "plugins/common/guarded.h"
#include "plugins/common/option_error.h"
#include "plugins/common/sp_error.h"
#include "stressplan/fault.h"

namespace sp::plugin_common {

template <class T, const char* kWho>
struct FaultEdge {
  // Runs fn, turning any exception into SP_ERROR with its text.
  template <class Fn>
  static sp_status Guarded(sp_error* err, Fn&& fn) noexcept {
    return plugin_common::Guarded(err, kWho, std::forward<Fn>(fn));
  }

  // SP_INVALID_ARGUMENT when FromOptions refuses an option, SP_ERROR when it fails otherwise.
  static sp_status Create(const sp_host_api* host, void* host_ctx, const sp_options* options,
                          void** instance, sp_error* err) noexcept {
    return Guarded(err, [&] {
      if (instance == nullptr) {
        WriteError(err, std::string(kWho) + ": create called without an instance pointer");
        return SP_INVALID_ARGUMENT;
      }
      OptionError refused;
      std::unique_ptr<T> fault = T::FromOptions(host, host_ctx, options, &refused);
      if (!fault) {
        WriteError(err, refused);
        return refused.option.empty() ? SP_ERROR : SP_INVALID_ARGUMENT;
      }
      *instance = fault.release();
      return SP_OK;
    });
  }

  // check_options (ABI 1.2): SP_INVALID_ARGUMENT naming the option CheckOptions refuses. A
  // T whose check asks the host (the process fault: service_declared) takes it as FromOptions.
  static sp_status CheckOptions(const sp_host_api* host, void* host_ctx, const sp_options* options,
                                sp_error* err) noexcept {
    return Guarded(err, [&] {
      OptionError refused;
      bool accepted = false;
      if constexpr (requires { T::CheckOptions(host, host_ctx, options, &refused); }) {
        accepted = T::CheckOptions(host, host_ctx, options, &refused);
      } else {
        accepted = T::CheckOptions(options, &refused);
      }
      if (accepted) return SP_OK;
      WriteError(err, refused);
      return SP_INVALID_ARGUMENT;
    });
  }

  // Runs act(&why) for the fault: SP_OK when it returns true, else SP_ERROR with why.
  template <class Act>
  static sp_status Call(sp_error* err, Act&& act) noexcept {
    return Guarded(err, [&] {
      std::string why;
      if (act(&why)) return SP_OK;
      WriteError(err, why);
      return SP_ERROR;
    });
  }

  static sp_status Inject(void* instance, sp_error* err) noexcept {
    return Call(err, [&](std::string* why) { return static_cast<T*>(instance)->Inject(why); });
  }

  static sp_status Revert(void* instance, sp_error* err) noexcept {
    return Call(err, [&](std::string* why) { return static_cast<T*>(instance)->Revert(why); });
  }

  static int IsActive(void* instance) noexcept {
    return GuardedIsActive([&] { return static_cast<const T*>(instance)->IsActive(); });
  }

  static void Destroy(void* instance) noexcept { delete static_cast<T*>(instance); }

  // Returns the record's length. When it does not fit in cap, buf holds "" and the return
  // value (>= cap) is the length needed, as snprintf does: a host may retry with a larger
  // buffer.
  static size_t JournalRecord(void* instance, char* buf, size_t cap) noexcept {
    return GuardedJournalRecord(
        buf, cap, [&] { return static_cast<const T*>(instance)->JournalRecord(buf, cap); });
  }

  using RevertFn = sp_status (*)(void*, sp_error*);
  using RecoverFn = sp_status (*)(const sp_host_api*, void*, const char*, sp_error*);

  // The vtable: no sites, a journal record for every instance.
  static constexpr sp_fault_vtable MakeVtable(RevertFn revert, RecoverFn recover) {
    return {
        sizeof(sp_fault_vtable),
        Create,
        Inject,
        revert,
        IsActive,
        Destroy,
        nullptr,  // no sites: the fault acts on something the plan names
        0,
        nullptr,
        nullptr,
        nullptr,
        JournalRecord,
        recover,
        CheckOptions,
        nullptr,  // no sites, so no site options to check
        nullptr,
    };
  }
};

}  // namespace sp::plugin_common
