// Moved to the public headers: include/tfldbg/status.h. This forwarding header
// goes away once every file includes the new path.
#pragma once
#include "tfldbg/status.h"
