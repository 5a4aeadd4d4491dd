# FindZ3: the Z3 solver's C++ API as the imported target z3::libz3 (the name Z3's own CMake package
# gives it). Z3's package is used when it is installed; Debian's libz3-dev ships none (only z3.pc),
# so otherwise the header and library are found directly. frontdoor installs this module next to
# its package file, so find_package(frontdoor) can find Z3 for frontdoor::analysis the same way.
#
#   Z3_FOUND, Z3_INCLUDE_DIR, Z3_LIBRARY, and the target z3::libz3.
if(TARGET z3::libz3)
  set(Z3_FOUND TRUE)
  return()
endif()

find_package(Z3 CONFIG QUIET)
if(Z3_FOUND AND TARGET z3::libz3)
  return()
endif()

find_path(Z3_INCLUDE_DIR z3++.h PATH_SUFFIXES z3)
find_library(Z3_LIBRARY z3)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Z3 REQUIRED_VARS Z3_LIBRARY Z3_INCLUDE_DIR)
if(Z3_FOUND)
  add_library(z3::libz3 UNKNOWN IMPORTED)
  set_target_properties(z3::libz3 PROPERTIES IMPORTED_LOCATION "${Z3_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Z3_INCLUDE_DIR}")
endif()
mark_as_advanced(Z3_INCLUDE_DIR Z3_LIBRARY)
