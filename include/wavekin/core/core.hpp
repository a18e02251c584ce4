// wavekin/core/core.hpp — umbrella header of the core module.
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/core/aligned_vector.hpp"
#include "wavekin/core/concepts.hpp"
#include "wavekin/core/correlation.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/fft_wisdom.hpp"
#include "wavekin/core/fit.hpp"
#include "wavekin/core/integrate.hpp"
#include "wavekin/core/lattice.hpp"
#include "wavekin/core/memory.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/core/spectral_derivative.hpp"
#include "wavekin/core/version.hpp"
