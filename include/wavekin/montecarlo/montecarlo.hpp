// wavekin/montecarlo/montecarlo.hpp — umbrella header of the montecarlo module (samples that
// compose random/ field sources with schrodinger/ propagators).
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/montecarlo/field_source.hpp"
#include "wavekin/montecarlo/random_potential_sample.hpp"
#include "wavekin/montecarlo/vmse_sample.hpp"
