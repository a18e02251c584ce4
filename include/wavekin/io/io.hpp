// wavekin/io/io.hpp — umbrella header of the io module: .npy, CSV, summary.json, progress.
// SPDX-License-Identifier: MIT
#pragma once

#include "wavekin/io/checkpoint.hpp"
#include "wavekin/io/csv.hpp"
#include "wavekin/io/fft_wisdom_file.hpp"
#include "wavekin/io/npy.hpp"
#include "wavekin/io/progress.hpp"
#include "wavekin/io/result_cache.hpp"
#include "wavekin/io/stale_temporaries.hpp"
#include "wavekin/io/summary.hpp"
