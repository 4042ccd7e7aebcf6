# map-sizes.awk - "text data" of the input sections a GNU ld link map
# (-Wl,-Map) shows as kept from the archive named by -v lib=NAME:
# text is code, constants and the ARM unwind index (what size(1) counts as
# text), data is .data and .bss. Sections the linker discarded are listed
# before "Linker script and memory map" and are not counted. Written for
# any POSIX awk (mawk has no strtonum).

function hex(s,    i, v) {
    v = 0
    s = tolower(s)
    sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++)
        v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return v
}

function count(sec, size, file) {
    if (index(file, lib "(") == 0)
        return
    if (sec ~ /^\.(data|bss|sdata|sbss)/)
        data += hex(size)
    else if (sec ~ /^\.(text|rodata|ARM\.ex)/)
        text += hex(size)
}

/^Linker script and memory map/ { on = 1; next }
!on { next }
# a long section name: its address, size and file are on the next line
/^ \.[^ ]+$/ { pend = $1; next }
pend != "" && $1 ~ /^0x/ { count(pend, $2, $3); pend = ""; next }
/^ \./ && NF >= 4 { count($1, $3, $4) }
{ pend = "" }

END { print text + 0, data + 0 }
