// wavekin/schrodinger/schrodinger.hpp — umbrella header of the varying-mass
// Schrödinger module: coefficient policies, propagators, observables, Wigner transform.
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/schrodinger/coefficients.hpp"
#include "wavekin/schrodinger/crank_nicolson_spectral.hpp"
#include "wavekin/schrodinger/magnus_spectral.hpp"
#include "wavekin/schrodinger/observables.hpp"
#include "wavekin/schrodinger/split_step_spectral.hpp"
#include "wavekin/schrodinger/wigner_transform.hpp"
