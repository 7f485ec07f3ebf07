# safelane_embed(TARGET SYMBOL FILE): links FILE's bytes into TARGET as
#   extern "C" const unsigned char SYMBOL[]; extern "C" const unsigned long SYMBOL_size;
# Models and format tables ship inside the binary, so an installed `safelane` can never
# run with a model that does not match its code.
function(safelane_embed target symbol file)
  set(asm "${CMAKE_CURRENT_BINARY_DIR}/embed_${symbol}.S")
  file(WRITE "${asm}.in" "\
    .section .rodata\n\
    .global ${symbol}\n\
    .global ${symbol}_size\n\
    .balign 16\n\
${symbol}:\n\
    .incbin \"${file}\"\n\
${symbol}_end:\n\
    .byte 0\n\
    .balign 8\n\
${symbol}_size:\n\
    .quad ${symbol}_end - ${symbol}\n\
    .section .note.GNU-stack,\"\",@progbits\n")
  configure_file("${asm}.in" "${asm}" COPYONLY)
  set_source_files_properties("${asm}" PROPERTIES OBJECT_DEPENDS "${file}")
  target_sources(${target} PRIVATE "${asm}")
endfunction()
