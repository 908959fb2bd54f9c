/*
 * The layout of every struct that crosses the plugin boundary, and the value of every constant,
 * as released: each field's offset and size, each struct's size at each ABI minor. CMake
 * compiles this file (C11, for _Static_assert) against include/stressplan and against every
 * frozen header set in tests/abi/headers, so
 *   - a change to a released field of include/stressplan (moved, resized, retyped, removed)
 *     fails the build, and so does a field appended without a new row here;
 *   - each frozen copy is checked to be the layout its version shipped.
 * Fields appended in a minor are checked from that minor on (SP_ABI_VERSION_MINOR). A new minor
 * adds rows; no existing row ever changes. The numbers are for LP64 (x86-64, arm64 Linux).
 */
#include <stddef.h>

#include <stressplan/fault.h>
#include <stressplan/plugin.h>
#include <stressplan/reporter.h>
#include <stressplan/target.h>

#if !defined(__LP64__)
#error "tests/abi/abi_layout_check.c holds the LP64 layout; add this data model's numbers"
#endif

#define SP_FIELD(type, field, offset, size)                                              \
    _Static_assert(offsetof(type, field) == (offset) && sizeof(((type *)0)->field) == (size), \
                   #type "." #field " moved or changed size: a released layout never changes")
#define SP_SIZE(type, size) \
    _Static_assert(sizeof(type) == (size), #type " changed size: append fields in a new minor, with rows here")
#define SP_VALUE(constant, value) \
    _Static_assert((constant) == (value), #constant " changed value: released constants never change")

SP_VALUE(SP_ABI_VERSION_MAJOR, 1);

/* sp_str */
SP_FIELD(sp_str, ptr, 0, 8);
SP_FIELD(sp_str, len, 8, 8);
SP_SIZE(sp_str, 16);

/* sp_error */
SP_FIELD(sp_error, message, 0, 512);
SP_FIELD(sp_error, option, 512, 128);
SP_FIELD(sp_error, path, 640, 256);
SP_SIZE(sp_error, 896);

/* sp_option_decl */
SP_FIELD(sp_option_decl, name, 0, 8);
SP_FIELD(sp_option_decl, type, 8, 4);
SP_FIELD(sp_option_decl, default_value, 16, 8);
SP_FIELD(sp_option_decl, required, 24, 4);
SP_FIELD(sp_option_decl, description, 32, 8);
SP_SIZE(sp_option_decl, 40);

/* sp_option_value */
SP_FIELD(sp_option_value, name, 0, 8);
SP_FIELD(sp_option_value, type, 8, 4);
SP_FIELD(sp_option_value, is_set, 12, 4);
SP_FIELD(sp_option_value, i, 16, 8);
SP_FIELD(sp_option_value, f, 24, 8);
SP_FIELD(sp_option_value, b, 32, 4);
SP_FIELD(sp_option_value, s, 40, 16);
SP_SIZE(sp_option_value, 56);

/* sp_options */
SP_FIELD(sp_options, count, 0, 8);
SP_FIELD(sp_options, values, 8, 8);
SP_SIZE(sp_options, 16);

/* sp_request_spec */
SP_FIELD(sp_request_spec, name, 0, 16);
SP_FIELD(sp_request_spec, options, 16, 16);
SP_SIZE(sp_request_spec, 32);

/* sp_host_api */
SP_FIELD(sp_host_api, struct_size, 0, 4);
SP_FIELD(sp_host_api, abi_major, 4, 2);
SP_FIELD(sp_host_api, abi_minor, 6, 2);
SP_FIELD(sp_host_api, log, 8, 8);
SP_FIELD(sp_host_api, now_ns, 16, 8);
SP_FIELD(sp_host_api, emit_event, 24, 8);
SP_FIELD(sp_host_api, intern, 32, 8);
#if SP_ABI_VERSION_MINOR >= 1
SP_FIELD(sp_host_api, service_pid, 40, 8);
SP_FIELD(sp_host_api, service_restart, 48, 8);
#endif
#if SP_ABI_VERSION_MINOR >= 3
SP_FIELD(sp_host_api, service_declared, 56, 8);
#endif
#if SP_ABI_VERSION_MINOR >= 5
SP_FIELD(sp_host_api, segment, 64, 8);
#endif
#if SP_ABI_VERSION_MINOR < 1
SP_SIZE(sp_host_api, 40);
#endif
#if SP_ABI_VERSION_MINOR >= 1 && SP_ABI_VERSION_MINOR < 3
SP_SIZE(sp_host_api, 56);
#endif
#if SP_ABI_VERSION_MINOR >= 3 && SP_ABI_VERSION_MINOR < 5
SP_SIZE(sp_host_api, 64);
#endif
#if SP_ABI_VERSION_MINOR >= 5
SP_SIZE(sp_host_api, 72);
#endif

/* sp_plugin_descriptor */
SP_FIELD(sp_plugin_descriptor, struct_size, 0, 4);
SP_FIELD(sp_plugin_descriptor, abi_major, 4, 2);
SP_FIELD(sp_plugin_descriptor, abi_minor, 6, 2);
SP_FIELD(sp_plugin_descriptor, kind, 8, 4);
SP_FIELD(sp_plugin_descriptor, name, 16, 8);
SP_FIELD(sp_plugin_descriptor, version, 24, 8);
SP_FIELD(sp_plugin_descriptor, description, 32, 8);
SP_FIELD(sp_plugin_descriptor, options, 40, 8);
SP_FIELD(sp_plugin_descriptor, option_count, 48, 8);
SP_FIELD(sp_plugin_descriptor, vtable, 56, 8);
SP_FIELD(sp_plugin_descriptor, init, 64, 8);
SP_FIELD(sp_plugin_descriptor, shutdown, 72, 8);
#if SP_ABI_VERSION_MINOR >= 3
SP_FIELD(sp_plugin_descriptor, option_decl_size, 80, 4);
SP_FIELD(sp_plugin_descriptor, option_value_size, 84, 4);
SP_FIELD(sp_plugin_descriptor, request_spec_size, 88, 4);
#endif
#if SP_ABI_VERSION_MINOR < 3
SP_SIZE(sp_plugin_descriptor, 80);
#endif
#if SP_ABI_VERSION_MINOR >= 3
SP_SIZE(sp_plugin_descriptor, 96);
#endif

/* sp_request */
SP_FIELD(sp_request, struct_size, 0, 4);
SP_FIELD(sp_request, token, 8, 8);
SP_FIELD(sp_request, request, 16, 4);
SP_FIELD(sp_request, vu, 20, 4);
SP_FIELD(sp_request, iteration, 24, 8);
SP_FIELD(sp_request, intended_ns, 32, 8);
SP_SIZE(sp_request, 40);

/* sp_result */
SP_FIELD(sp_result, struct_size, 0, 4);
SP_FIELD(sp_result, token, 8, 8);
SP_FIELD(sp_result, error, 16, 4);
SP_FIELD(sp_result, status, 20, 4);
SP_FIELD(sp_result, start_ns, 24, 8);
SP_FIELD(sp_result, end_ns, 32, 8);
SP_FIELD(sp_result, connect_ns, 40, 8);
SP_FIELD(sp_result, ttfb_ns, 48, 8);
SP_FIELD(sp_result, bytes_sent, 56, 8);
SP_FIELD(sp_result, bytes_received, 64, 8);
SP_FIELD(sp_result, events, 72, 8);
SP_FIELD(sp_result, event_count, 80, 8);
SP_FIELD(sp_result, failed_check, 88, 4);
SP_FIELD(sp_result, detail, 96, 8);
#if SP_ABI_VERSION_MINOR >= 4
SP_FIELD(sp_result, redirect, 104, 4);
SP_FIELD(sp_result, flags, 108, 4);
#endif
#if SP_ABI_VERSION_MINOR < 4
SP_SIZE(sp_result, 104);
#endif
#if SP_ABI_VERSION_MINOR >= 4
SP_SIZE(sp_result, 112);
SP_VALUE(SP_RESULT_MORE, 1);
#endif

/* sp_worker_host */
SP_FIELD(sp_worker_host, struct_size, 0, 4);
SP_FIELD(sp_worker_host, ctx, 8, 8);
SP_FIELD(sp_worker_host, complete, 16, 8);
SP_SIZE(sp_worker_host, 24);

/* sp_target_vtable */
SP_FIELD(sp_target_vtable, struct_size, 0, 4);
SP_FIELD(sp_target_vtable, request_options, 8, 8);
SP_FIELD(sp_target_vtable, request_option_count, 16, 8);
SP_FIELD(sp_target_vtable, create, 24, 8);
SP_FIELD(sp_target_vtable, preflight, 32, 8);
SP_FIELD(sp_target_vtable, worker_open, 40, 8);
SP_FIELD(sp_target_vtable, submit, 48, 8);
SP_FIELD(sp_target_vtable, poll, 56, 8);
SP_FIELD(sp_target_vtable, cancel_all, 64, 8);
SP_FIELD(sp_target_vtable, worker_close, 72, 8);
SP_FIELD(sp_target_vtable, destroy, 80, 8);
#if SP_ABI_VERSION_MINOR >= 2
SP_FIELD(sp_target_vtable, check_options, 88, 8);
SP_FIELD(sp_target_vtable, release_vu, 96, 8);
#endif
#if SP_ABI_VERSION_MINOR < 2
SP_SIZE(sp_target_vtable, 88);
#endif
#if SP_ABI_VERSION_MINOR >= 2
SP_SIZE(sp_target_vtable, 104);
#endif

/* sp_fault_vtable */
SP_FIELD(sp_fault_vtable, struct_size, 0, 4);
SP_FIELD(sp_fault_vtable, create, 8, 8);
SP_FIELD(sp_fault_vtable, inject, 16, 8);
SP_FIELD(sp_fault_vtable, revert, 24, 8);
SP_FIELD(sp_fault_vtable, is_active, 32, 8);
SP_FIELD(sp_fault_vtable, destroy, 40, 8);
#if SP_ABI_VERSION_MINOR >= 1
SP_FIELD(sp_fault_vtable, site_options, 48, 8);
SP_FIELD(sp_fault_vtable, site_option_count, 56, 8);
SP_FIELD(sp_fault_vtable, open_site, 64, 8);
SP_FIELD(sp_fault_vtable, close_site, 72, 8);
SP_FIELD(sp_fault_vtable, create_on_site, 80, 8);
SP_FIELD(sp_fault_vtable, journal_record, 88, 8);
SP_FIELD(sp_fault_vtable, recover, 96, 8);
#endif
#if SP_ABI_VERSION_MINOR >= 2
SP_FIELD(sp_fault_vtable, check_options, 104, 8);
SP_FIELD(sp_fault_vtable, check_site_options, 112, 8);
SP_FIELD(sp_fault_vtable, check_options_on_site, 120, 8);
#endif
#if SP_ABI_VERSION_MINOR < 1
SP_SIZE(sp_fault_vtable, 48);
#endif
#if SP_ABI_VERSION_MINOR >= 1 && SP_ABI_VERSION_MINOR < 2
SP_SIZE(sp_fault_vtable, 104);
#endif
#if SP_ABI_VERSION_MINOR >= 2
SP_SIZE(sp_fault_vtable, 128);
#endif

/* sp_reporter_vtable */
SP_FIELD(sp_reporter_vtable, struct_size, 0, 4);
SP_FIELD(sp_reporter_vtable, create, 8, 8);
SP_FIELD(sp_reporter_vtable, on_document, 16, 8);
SP_FIELD(sp_reporter_vtable, finish, 24, 8);
SP_FIELD(sp_reporter_vtable, destroy, 32, 8);
#if SP_ABI_VERSION_MINOR >= 2
SP_FIELD(sp_reporter_vtable, check_options, 40, 8);
#endif
#if SP_ABI_VERSION_MINOR < 2
SP_SIZE(sp_reporter_vtable, 40);
#endif
#if SP_ABI_VERSION_MINOR >= 2
SP_SIZE(sp_reporter_vtable, 48);
#endif
/* Enumerations: int-sized, their values fixed. */
SP_SIZE(sp_status, 4);
SP_VALUE(SP_OK, 0);
SP_VALUE(SP_ERROR, 1);
SP_VALUE(SP_INVALID_ARGUMENT, 2);
SP_VALUE(SP_UNSUPPORTED, 3);
SP_SIZE(sp_kind, 4);
SP_VALUE(SP_KIND_TARGET, 1);
SP_VALUE(SP_KIND_FAULT, 2);
SP_VALUE(SP_KIND_REPORTER, 3);
SP_SIZE(sp_log_level, 4);
SP_VALUE(SP_LOG_DEBUG, 0);
SP_VALUE(SP_LOG_INFO, 1);
SP_VALUE(SP_LOG_WARN, 2);
SP_VALUE(SP_LOG_ERROR, 3);
SP_SIZE(sp_option_type, 4);
SP_VALUE(SP_OPT_STRING, 1);
SP_VALUE(SP_OPT_INT, 2);
SP_VALUE(SP_OPT_FLOAT, 3);
SP_VALUE(SP_OPT_BOOL, 4);
SP_VALUE(SP_OPT_DURATION, 5);
SP_VALUE(SP_OPT_SIZE, 6);
SP_VALUE(SP_OPT_RATE, 7);
SP_VALUE(SP_OPT_JSON, 8);
SP_VALUE(SP_OPT_PATH, 9);
SP_SIZE(sp_error_kind, 4);
SP_VALUE(SP_E_NONE, 0);
SP_VALUE(SP_E_CONNECT_REFUSED, 1);
SP_VALUE(SP_E_CONNECT_TIMEOUT, 2);
SP_VALUE(SP_E_DNS, 3);
SP_VALUE(SP_E_TLS, 4);
SP_VALUE(SP_E_RESET, 5);
SP_VALUE(SP_E_RESPONSE_TIMEOUT, 6);
SP_VALUE(SP_E_PROTOCOL, 7);
SP_VALUE(SP_E_HTTP_4XX, 8);
SP_VALUE(SP_E_HTTP_5XX, 9);
SP_VALUE(SP_E_CHECK_FAILED, 10);
SP_VALUE(SP_E_INTERRUPTED, 11);
SP_VALUE(SP_E_OTHER, 12);
#if SP_ABI_VERSION_MINOR >= 2
SP_VALUE(SP_E_LOCAL_LIMIT, 13);
#endif
#if SP_ABI_VERSION_MINOR >= 4
SP_VALUE(SP_E_TOO_MANY_REDIRECTS, 14);
SP_VALUE(SP_E_TLS_CLIENT_CERT, 15);
SP_VALUE(SP_E_STREAM_RESET, 16);
#endif
SP_SIZE(sp_document_kind, 4);
SP_VALUE(SP_DOC_RUN_START, 1);
SP_VALUE(SP_DOC_SNAPSHOT, 2);
SP_VALUE(SP_DOC_EVENT, 3);
SP_VALUE(SP_DOC_SUMMARY, 4);

/* Something for the object file to hold (an empty translation unit is not ISO C). */
int stressplan_abi_layout_check(void) { return SP_ABI_VERSION_MINOR; }
