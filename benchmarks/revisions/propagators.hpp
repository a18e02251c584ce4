// The interface of propagators.cpp, declared once per revision's namespace.
// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

enum class Propagator { magnus, crank_nicolson_field, crank_nicolson_separable, split_step };

#define WAVEKIN_REVISION_INTERFACE    \
  struct Steps {                      \
    virtual ~Steps() = default;       \
    virtual void run(long count) = 0; \
  };                                  \
  std::unique_ptr<Steps> make(Propagator which, long points);

namespace old_revision {
WAVEKIN_REVISION_INTERFACE
}
namespace this_revision {
WAVEKIN_REVISION_INTERFACE
}
