  #  include "core/run/run.h"
