// wavekin/kinetic/kinetic.hpp — umbrella header of the kinetic module: the Liouville and
// radiative transfer limits of the VMSE (P2). The band-crossing models of P1 are in coherence/.
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/kinetic/characteristics.hpp"
#include "wavekin/kinetic/collision_operator.hpp"
#include "wavekin/kinetic/exact_collision.hpp"
#include "wavekin/kinetic/hamiltonian.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"
#include "wavekin/kinetic/radiative_transfer.hpp"
#include "wavekin/kinetic/spectral_shift_transport.hpp"
#include "wavekin/kinetic/weno_transport.hpp"
