// wavekin/kinetic/kinetic.hpp — umbrella header of the kinetic module: Liouville and
// radiative transfer limits of the VMSE (P2) and the band-crossing coherence models (P1).
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/kinetic/band_data.hpp"
#include "wavekin/kinetic/band_diagonal_collision.hpp"
#include "wavekin/kinetic/characteristics.hpp"
#include "wavekin/kinetic/coherence_field.hpp"
#include "wavekin/kinetic/coherence_liouville.hpp"
#include "wavekin/kinetic/coherent_collision.hpp"
#include "wavekin/kinetic/coherent_rte.hpp"
#include "wavekin/kinetic/collision_operator.hpp"
#include "wavekin/kinetic/energy_shell_quadrature.hpp"
#include "wavekin/kinetic/graphene_valleys.hpp"
#include "wavekin/kinetic/hamiltonian.hpp"
#include "wavekin/kinetic/phase_space_grid.hpp"
#include "wavekin/kinetic/radiative_transfer.hpp"
#include "wavekin/kinetic/scattering_kernel.hpp"
#include "wavekin/kinetic/spectral_shift_transport.hpp"
#include "wavekin/kinetic/weno_transport.hpp"
