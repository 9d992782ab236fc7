# Compiler warnings for project code, attached through an INTERFACE target so that
# third-party headers and generated code are not affected.
add_library(unmask_warnings INTERFACE)
target_compile_options(unmask_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wimplicit-fallthrough
    -Werror=unused-result -Werror=return-type)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(unmask_warnings INTERFACE -Wshadow=local)
endif()
if(UNMASK_WERROR)
    target_compile_options(unmask_warnings INTERFACE -Werror)
endif()
