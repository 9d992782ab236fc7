# Compiler warnings for project code, attached through an INTERFACE target so that
# third-party headers and generated code are not affected.
add_library(unmask_warnings INTERFACE)
target_compile_options(unmask_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wimplicit-fallthrough
    -Werror=unused-result -Werror=return-type)
if(UNMASK_WERROR)
    target_compile_options(unmask_warnings INTERFACE -Werror)
endif()
