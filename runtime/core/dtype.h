// Moved to the public headers: include/tfldbg/dtype.h. This forwarding header
// goes away once every file includes the new path.
#pragma once
#include "tfldbg/dtype.h"
