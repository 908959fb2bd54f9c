#include <plugins/common/guarded.h>
