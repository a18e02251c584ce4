// wavekin/wavekin.hpp — umbrella header: every module except optional backends (MPI).
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/core/core.hpp"
#include "wavekin/io/io.hpp"
