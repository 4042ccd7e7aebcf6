# size-sections.awk - the bench's footprint split: reads `size -A` of the
# library's objects and prints one line "tag code constants unwind" (bytes
# of .text*, of .rodata*, of .eh_frame and the ARM unwind tables).
#
#   size -A OBJS | awk -v tag=host -f tools/size-sections.awk

$1 == ".text" || $1 ~ /^\.text\./ { code += $2 }
$1 ~ /^\.rodata/ { ro += $2 }
$1 == ".eh_frame" || $1 ~ /^\.ARM\.ex/ { unw += $2 }
END { printf "%s %d %d %d\n", tag, code, ro, unw }
