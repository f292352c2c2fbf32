# Merges static libraries into one: cmake -DOUT=lib.a -DAR=ar -DARCHIVES="a.a|b.a" -P this.
# GNU ar's MRI script keeps every member, even two with the same name from different archives.
set(script "${OUT}.mri")
file(WRITE "${script}" "create ${OUT}\n")
string(REPLACE "|" ";" ARCHIVES "${ARCHIVES}")
foreach(archive IN LISTS ARCHIVES)
  file(APPEND "${script}" "addlib ${archive}\n")
endforeach()
file(APPEND "${script}" "save\nend\n")
file(REMOVE "${OUT}")
execute_process(COMMAND "${AR}" -M INPUT_FILE "${script}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "merging into ${OUT} failed (${rc})")
endif()
