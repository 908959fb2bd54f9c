/* Every public header, compiled as C99 with -Wall -Wextra -Wpedantic -Werror. */
#include <stressplan/fault.h>
#include <stressplan/plugin.h>
#include <stressplan/reporter.h>
#include <stressplan/target.h>

int stressplan_abi_header_check(void) { return SP_ABI_VERSION_MAJOR; }
