// wavekin/bloch/bloch.hpp — umbrella header of the Bloch module (potentials, basis, solver, matrix
// elements). SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/bloch/band_table.hpp"
#include "wavekin/bloch/bloch_solver.hpp"
#include "wavekin/bloch/bloch_wave_packet.hpp"
#include "wavekin/bloch/cosine_sum.hpp"
#include "wavekin/bloch/crossing.hpp"
#include "wavekin/bloch/eigen_policy.hpp"
#include "wavekin/bloch/fourier_coefficients.hpp"
#include "wavekin/bloch/gauge.hpp"
#include "wavekin/bloch/high_symmetry.hpp"
#include "wavekin/bloch/honeycomb_wells.hpp"
#include "wavekin/bloch/kronig_penney.hpp"
#include "wavekin/bloch/matrix_elements.hpp"
#include "wavekin/bloch/plane_wave_basis.hpp"
#include "wavekin/bloch/potential.hpp"
#include "wavekin/bloch/sampled_potential.hpp"
#include "wavekin/bloch/solve_states.hpp"
#include "wavekin/bloch/supercell.hpp"
#include "wavekin/bloch/supercell_bloch.hpp"
#include "wavekin/bloch/time_reversal.hpp"
#include "wavekin/bloch/wigner_bloch.hpp"
