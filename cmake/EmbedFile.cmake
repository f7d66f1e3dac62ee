# cmake -DINPUT=<file> -DOUTPUT=<header> -DNAME=<identifier> -P EmbedFile.cmake
# Writes a header that holds the file's bytes as `AILoad::<NAME>`, a char array (no
# terminating 0): bytes, not a string literal, so that nothing the file contains can end it.
foreach(argument INPUT OUTPUT NAME)
  if(NOT DEFINED ${argument})
    message(FATAL_ERROR "EmbedFile.cmake needs -D${argument}=...")
  endif()
endforeach()

file(READ "${INPUT}" bytes HEX)
string(LENGTH "${bytes}" hexLength)
math(EXPR size "${hexLength} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])" "\\1\n" bytes "${bytes}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${bytes}")
get_filename_component(inputName "${INPUT}" NAME)
get_filename_component(guard "${OUTPUT}" NAME_WE)

file(WRITE "${OUTPUT}"
"// Generated from ${inputName} by cmake/EmbedFile.cmake: edit that file, not this one.\n"
"#ifndef AILoad_${guard}_INCLUDED\n"
"#define AILoad_${guard}_INCLUDED\n\n"
"namespace AILoad {\n\n"
"inline constexpr char ${NAME}[${size}] = {\n${bytes}\n};\n\n"
"} // namespace AILoad\n\n"
"#endif\n")
