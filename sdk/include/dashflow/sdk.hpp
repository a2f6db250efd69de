// Everything a plugin author needs.
#pragma once

#include "dashflow/abi.h"
#include "dashflow/errors.hpp"
#include "dashflow/export.hpp"
#include "dashflow/host.hpp"
#include "dashflow/ids.hpp"
#include "dashflow/json.hpp"
#include "dashflow/lifecycle.hpp"
#include "dashflow/plugin.hpp"
#include "dashflow/scoring.hpp"
#include "dashflow/summary.hpp"
#include "dashflow/time.hpp"
#include "dashflow/types.hpp"
