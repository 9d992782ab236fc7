# UNMASK_SANITIZE=address,undefined builds everything with those sanitizers; UBSan errors abort
# so that a test run fails on the first one.
if(UNMASK_SANITIZE)
    string(REPLACE "," ";" unmask_sanitizer_list "${UNMASK_SANITIZE}")
    foreach(sanitizer IN LISTS unmask_sanitizer_list)
        add_compile_options(-fsanitize=${sanitizer})
        add_link_options(-fsanitize=${sanitizer})
    endforeach()
    add_compile_options(-fno-omit-frame-pointer -fno-sanitize-recover=all)
endif()
