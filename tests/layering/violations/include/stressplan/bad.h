#include "lib/http1/syntax.h"
