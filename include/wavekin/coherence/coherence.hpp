// wavekin/coherence/coherence.hpp — umbrella header of the coherence module: the band-crossing
// models of P1 (coherence matrix, coupled Liouville system, (4.15), (C.3), (5.2)–(5.4)).
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/band_diagonal_collision.hpp"
#include "wavekin/coherence/coherence_field.hpp"
#include "wavekin/coherence/coherence_liouville.hpp"
#include "wavekin/coherence/coherent_collision.hpp"
#include "wavekin/coherence/coherent_rte.hpp"
#include "wavekin/coherence/collision_bands.hpp"
#include "wavekin/coherence/energy_shell_quadrature.hpp"
#include "wavekin/coherence/from_bloch.hpp"
#include "wavekin/coherence/graphene_valleys.hpp"
#include "wavekin/coherence/homogeneous_coherent_rte.hpp"
#include "wavekin/coherence/lattice_coordinates.hpp"
