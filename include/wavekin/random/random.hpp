// wavekin/random/random.hpp — umbrella header of the random module: covariances, per-sample
// streams, the Karhunen–Loève expansion, streaming samplers and the random mass.
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/random/ensemble.hpp"
#include "wavekin/random/karhunen_loeve.hpp"
#include "wavekin/random/random_mass.hpp"
#include "wavekin/random/random_stream.hpp"
#include "wavekin/random/running_statistics.hpp"
#include "wavekin/random/streaming_sampler.hpp"
