// wavekin/wavekin.hpp — umbrella header: every module except optional backends (MPI).
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/bloch/bloch.hpp"
#include "wavekin/coherence/coherence.hpp"
#include "wavekin/core/core.hpp"
#include "wavekin/io/io.hpp"
#include "wavekin/kinetic/kinetic.hpp"
#include "wavekin/montecarlo/montecarlo.hpp"
#include "wavekin/random/random.hpp"
#include "wavekin/schrodinger/schrodinger.hpp"
