// The translation unit that builds the test suite's precompiled header (tests/CMakeLists.txt).
// SPDX-License-Identifier: MIT
