#include "core/plugin/descriptor.h"

#include <cstddef>
#include <cstring>

#include "core/plugin/element_sizes.h"
#include "core/plugin/sized_struct.h"

namespace sp::plugin {
namespace {

// The smallest descriptor any 1.x plugin can have: everything up to and including `vtable`
// (init/shutdown were there from 1.0 too, but a plugin may leave them out of a shorter struct).
constexpr size_t kMinDescriptorSize = offsetof(sp_plugin_descriptor, init);
constexpr size_t kMinTargetSize = offsetof(sp_target_vtable, destroy) + sizeof(void*);
constexpr size_t kMinFaultSize = offsetof(sp_fault_vtable, destroy) + sizeof(void*);
constexpr size_t kMinReporterSize = offsetof(sp_reporter_vtable, destroy) + sizeof(void*);

// Copies a plugin struct whose first member is its size into a zero-filled host struct.
template <typename T>
bool CopySized(const void* raw, size_t min_size, const char* what, T* out, std::string* err) {
  if (raw == nullptr) {
    *err = std::string("its descriptor has no ") + what;
    return false;
  }
  const T* read = ReadSized(static_cast<const T*>(raw), min_size, out);
  if (read == nullptr) {
    *err = std::string("its ") + what + " is " + std::to_string(DeclaredSize(raw)) +
           " bytes, smaller than the " + std::to_string(min_size) +
           " bytes of the oldest ABI 1.x layout (malformed descriptor)";
    return false;
  }
  if (read != out) *out = *read;
  return true;
}

bool CheckOptions(const sp_option_decl* decls, size_t count, const char* table, std::string* err) {
  for (size_t i = 0; i < count; ++i) {
    const sp_option_decl& d = decls[i];
    if (d.name == nullptr || d.name[0] == '\0') {
      *err = std::string("entry ") + std::to_string(i) + " of its " + table + " has no name";
      return false;
    }
    const int type = RawEnum(d.type);
    if (type < SP_OPT_STRING || type > SP_OPT_PATH) {
      *err = std::string("option '") + d.name + "' of its " + table + " has unknown type " +
             std::to_string(type);
      return false;
    }
    if (d.required && d.default_value != nullptr) {
      *err = std::string("option '") + d.name + "' is required and also has a default";
      return false;
    }
    for (size_t j = 0; j < i; ++j) {
      if (std::strcmp(decls[j].name, d.name) == 0) {
        *err = std::string("option '") + d.name + "' is declared twice in its " + table;
        return false;
      }
    }
  }
  return true;
}

// Reads a declaration table of the plugin's with its stride into *copy, points *table at the
// copy and checks it.
bool ReadDeclarations(const sp_option_decl** table, size_t count, size_t stride, const char* name,
                      std::vector<sp_option_decl>* copy, std::string* err) {
  if (count > 0 && *table == nullptr) {
    *err = std::string("its ") + name + " table is NULL but counts " + std::to_string(count);
    return false;
  }
  if (count > 1024) {
    *err = std::string("its ") + name + " table counts " + std::to_string(count) +
           " entries (malformed descriptor)";
    return false;
  }
  *copy = CopyDeclarations(*table, count, stride);
  *table = copy->empty() ? nullptr : copy->data();
  return CheckOptions(copy->data(), count, name, err);
}

bool ReadTarget(Descriptor* out, const ElementSizes& sizes, std::string* err) {
  if (!CopySized(out->desc.vtable, kMinTargetSize, "target vtable", &out->target, err)) return false;
  sp_target_vtable& v = out->target;
  if (!v.create || !v.worker_open || !v.submit || !v.poll || !v.cancel_all || !v.worker_close ||
      !v.destroy) {
    *err = "its target vtable leaves a required function NULL (malformed descriptor)";
    return false;
  }
  return ReadDeclarations(&v.request_options, v.request_option_count, sizes.option_decl,
                          "request_options", &out->request_options, err);
}

bool ReadFault(Descriptor* out, const ElementSizes& sizes, std::string* err) {
  if (!CopySized(out->desc.vtable, kMinFaultSize, "fault vtable", &out->fault, err)) return false;
  sp_fault_vtable& v = out->fault;
  if (!v.create || !v.inject || !v.revert || !v.is_active || !v.destroy) {
    *err = "its fault vtable leaves a required function NULL (malformed descriptor)";
    return false;
  }
  if ((v.open_site != nullptr) != (v.close_site != nullptr)) {
    *err = "its fault vtable has only one of open_site and close_site (malformed descriptor)";
    return false;
  }
  return ReadDeclarations(&v.site_options, v.site_option_count, sizes.option_decl, "site_options",
                          &out->site_options, err);
}

bool ReadReporter(Descriptor* out, std::string* err) {
  if (!CopySized(out->desc.vtable, kMinReporterSize, "reporter vtable", &out->reporter, err)) return false;
  const sp_reporter_vtable& v = out->reporter;
  if (!v.create || !v.on_document || !v.finish || !v.destroy) {
    *err = "its reporter vtable leaves a required function NULL (malformed descriptor)";
    return false;
  }
  return true;
}

}  // namespace

bool IsPluginName(const char* name) {
  if (name == nullptr || name[0] == '\0') return false;
  for (const char* c = name; *c; ++c) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return false;
  }
  return true;
}

const char* KindName(sp_kind kind) {
  switch (RawEnum(kind)) {
    case SP_KIND_TARGET: return "target";
    case SP_KIND_FAULT: return "fault";
    case SP_KIND_REPORTER: return "reporter";
  }
  return "unknown";
}

const char* OptionTypeName(sp_option_type type) {
  switch (RawEnum(type)) {
    case SP_OPT_STRING: return "string";
    case SP_OPT_INT: return "int";
    case SP_OPT_FLOAT: return "float";
    case SP_OPT_BOOL: return "bool";
    case SP_OPT_DURATION: return "duration";
    case SP_OPT_SIZE: return "size";
    case SP_OPT_RATE: return "rate";
    case SP_OPT_JSON: return "json";
    case SP_OPT_PATH: return "path";
  }
  return "unknown";
}

bool ReadDescriptor(const sp_plugin_descriptor* raw, Descriptor* out, std::string* err) {
  if (raw == nullptr) {
    *err = std::string(SP_ENTRY_SYMBOL) + "() returned NULL (malformed descriptor)";
    return false;
  }
  // The version fields sit at the same offsets in every major: check them before the size,
  // so a plugin from another major gets the message about versions, not about layout.
  if (raw->abi_major != SP_ABI_VERSION_MAJOR) {
    *err = "it was built for plugin ABI " + std::to_string(raw->abi_major) + "." +
           std::to_string(raw->abi_minor) + ", this stressplan speaks ABI " +
           std::to_string(SP_ABI_VERSION_MAJOR) + "." + std::to_string(SP_ABI_VERSION_MINOR) +
           "; rebuild the plugin against this version's include/stressplan headers";
    return false;
  }
  if (!CopySized(raw, kMinDescriptorSize, "descriptor", &out->desc, err)) return false;
  sp_plugin_descriptor& d = out->desc;
  if (!IsPluginName(d.name)) {
    *err = std::string("its name '") + (d.name ? d.name : "(null)") +
           "' is not made of [a-z0-9_] (malformed descriptor)";
    return false;
  }
  if (d.version == nullptr) {
    *err = "its descriptor has no version string (malformed descriptor)";
    return false;
  }
  ElementSizes sizes;
  if (!ReadElementSizes(d, &sizes, err)) return false;
  if (!ReadDeclarations(&d.options, d.option_count, sizes.option_decl, "options", &out->options, err)) {
    return false;
  }
  switch (RawEnum(d.kind)) {
    case SP_KIND_TARGET: return ReadTarget(out, sizes, err);
    case SP_KIND_FAULT: return ReadFault(out, sizes, err);
    case SP_KIND_REPORTER: return ReadReporter(out, err);
  }
  *err = "its kind " + std::to_string(RawEnum(d.kind)) +
         " is none of target (1), fault (2), reporter (3) (malformed descriptor)";
  return false;
}

}  // namespace sp::plugin
