/*
 * What the fixture plugins of tests/abi/versioned share. Each is compiled once against every
 * frozen header set in tests/abi/headers (ABI 1.0, 1.1, ...), so this code uses only what ABI
 * 1.0 offers and adds later vtable fields under SP_ABI_VERSION_MINOR. FIXTURE_NAME (the plugin
 * name, e.g. "abi10_target") comes from the build.
 */
#ifndef VERSIONED_H
#define VERSIONED_H

#include <stdio.h>
#include <string.h>

#include <stressplan/plugin.h>

/* The descriptor's tail after `vtable`: init, shutdown, and the element sizes from ABI 1.3. */
#if SP_ABI_VERSION_MINOR >= 3
#define VERSIONED_DESCRIPTOR_TAIL NULL, NULL, SP_ELEMENT_SIZES
#else
#define VERSIONED_DESCRIPTOR_TAIL NULL, NULL
#endif

/*
 * Checks that the host handed values[k] for decls[k], with the type declared, for every k: a
 * host reading or writing the table with another stride fails this (the names would not line
 * up). Fills err and returns 0 on a mismatch.
 */
static inline int versioned_options_match(const sp_option_decl *decls, size_t count,
                                          const sp_options *options, sp_error *err) {
    size_t k;
    if (options->count != count) {
        snprintf(err->message, sizeof err->message, "%s: %lu option values for %lu declarations",
                 FIXTURE_NAME, (unsigned long)options->count, (unsigned long)count);
        return 0;
    }
    for (k = 0; k < count; ++k) {
        const sp_option_value *v = &options->values[k];
        if (v->name == NULL || strcmp(v->name, decls[k].name) != 0 || v->type != decls[k].type) {
            snprintf(err->message, sizeof err->message,
                     "%s: option value %lu is not '%s' (misread option table)", FIXTURE_NAME,
                     (unsigned long)k, decls[k].name);
            snprintf(err->option, sizeof err->option, "%s", decls[k].name);
            return 0;
        }
    }
    return 1;
}

/* The text of a string or path value, NUL-terminated into buf. */
static inline void versioned_text(const sp_option_value *v, char *buf, size_t cap) {
    size_t n = v->is_set ? v->s.len : 0;
    if (n >= cap) n = cap - 1;
    if (n > 0) memcpy(buf, v->s.ptr, n);
    buf[n] = '\0';
}

#endif
