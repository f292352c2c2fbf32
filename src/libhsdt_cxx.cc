// libhsdt++: the C++ API (include/hsdt/) as one shared library. Its code is the static libraries
// of src/, linked whole (src/CMakeLists.txt); what it exports is what the public headers declare,
// every other symbol being hidden (-fvisibility=hidden, and the public headers' visibility
// pragma). This file only gives the target a source of its own.
