# unmask_add_layer(NAME DEPENDS dep...) builds every .cc file below the current folder into the
# static library unmask_NAME. The allowed dependencies between layers are listed in
# docs/architecture.md and checked by scripts/check_layers.sh.
function(unmask_add_layer name)
    cmake_parse_arguments(LAYER "" "" "DEPENDS;LIBRARIES" ${ARGN})
    file(GLOB_RECURSE layer_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
    add_library(unmask_${name} STATIC ${layer_sources})
    target_include_directories(unmask_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(unmask_${name} PUBLIC ${LAYER_DEPENDS} ${LAYER_LIBRARIES} PRIVATE unmask_warnings)
endfunction()
