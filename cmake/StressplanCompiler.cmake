# Warnings, sanitizers and ccache for everything built in this tree.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter
                    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)

if(STRESSPLAN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# The fuzz build (scripts/fuzz.sh): coverage instrumentation for libFuzzer on every library the
# harnesses link, plus ASan and UBSan; the harnesses themselves link -fsanitize=fuzzer.
if(STRESSPLAN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "STRESSPLAN_FUZZ needs clang (libFuzzer); scripts/fuzz.sh sets it up")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined -g)
  add_link_options(-fsanitize=address,undefined)
endif()
