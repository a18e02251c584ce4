// wavekin/kinetic/kinetic.hpp — umbrella header of the Liouville solvers of the kinetic
// module (Hamiltonian, characteristics, phase-space grid, WENO transport).
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/kinetic/characteristics.hpp"
#include "wavekin/kinetic/hamiltonian.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"
#include "wavekin/kinetic/weno_transport.hpp"
