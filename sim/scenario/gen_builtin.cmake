# Writes OUT, a C file defining sc_builtins[] and sc_nbuiltins from every
# EXAMPLES_DIR/*.gmp (sorted by name; the name is the file's without .gmp),
# so the examples stay the one source of the built-in scenarios.
#   cmake -DEXAMPLES_DIR=... -DOUT=... -P gen_builtin.cmake

# A C string literal of TEXT, one source line per line of text.
function(c_string_literal text out_var)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "?" "\\?" text "${text}")     # no trigraphs
  string(REPLACE "\t" "\\t" text "${text}")
  string(REPLACE "\r" "\\r" text "${text}")
  string(REPLACE "\n" "\\n\"\n    \"" text "${text}")
  set(${out_var} "\"${text}\"" PARENT_SCOPE)
endfunction()

file(GLOB files ${EXAMPLES_DIR}/*.gmp)
list(SORT files)
list(LENGTH files count)
if(count EQUAL 0)
  message(FATAL_ERROR "gen_builtin: no .gmp files in ${EXAMPLES_DIR}")
endif()

set(c "/* Generated from the examples/ files by sim/scenario/gen_builtin.cmake.  Do not edit. */\n")
string(APPEND c "#include \"sim/scenario.h\"\n\nconst sc_builtin sc_builtins[] = {\n")
foreach(f ${files})
  get_filename_component(name "${f}" NAME_WLE)
  file(READ "${f}" text)
  c_string_literal("${name}" name_literal)
  c_string_literal("${text}" text_literal)
  # "# expect: OUTCOME" declares the outcome every run must end with.
  set(expect "ok")
  if(text MATCHES "(^|\n)# expect: ([a-z]+)")
    set(expect "${CMAKE_MATCH_2}")
  endif()
  string(APPEND c "    {${name_literal}, \"${expect}\",\n    ${text_literal}},\n")
endforeach()
string(APPEND c "};\n\nconst size_t sc_nbuiltins = sizeof sc_builtins / sizeof sc_builtins[0];\n")

# Rewrite only on change, so dependents rebuild only when the examples do.
file(WRITE "${OUT}.tmp" "${c}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
