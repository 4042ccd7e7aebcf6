#!/usr/bin/env bash
# tool_test.sh - end-to-end checks of the omacp command-line tool: every
# command of `omacp --help` with its documented exit status and output.
#
#   bash test/tool_test.sh PATH/TO/omacp [VECTORS_DIR]
#
# Documents are encoded with the tool, MACs computed with `omacp mac`, and
# WSP push PDUs and SMS parts assembled here from hex (WSP layout of
# include/omacp/wsp.h). Prints one line per check and ends with
# "tool: N passed, M failed"; exits non-zero on any failure.
set -u

TOOL=${1:?usage: tool_test.sh PATH/TO/omacp [VECTORS_DIR]}
VEC=${2:-test/vectors}
SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
MAN=${3:-$SRC_DIR/man/omacp.1}
case $TOOL in /*) ;; *) TOOL=$PWD/$TOOL ;; esac
case $VEC in /*) ;; *) VEC=$PWD/$VEC ;; esac

W=$(mktemp -d "${TMPDIR:-/tmp}/omacp-tool-test.XXXXXX") || exit 70
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 70

IMSI=262019876543210
IMSI2=310150123456789
PIN=4711
TPS=http://tps.operator.example/cp
GATEWAY=+4917012345678
STRANGER=+15550000000
VEC_IMSI=466923103145252
SIGNER=A102030405060708090A0B0C0D0E0F1011121314
OTHER=B102030405060708090A0B0C0D0E0F1011121315

pass=0
fail=0
rc=0

ok() {
    pass=$((pass + 1))
    echo "ok   $1"
}

bad() {
    fail=$((fail + 1))
    echo "FAIL $1${2:+ -- $2}"
}

# run ARGS...: the tool with stdout in $W/out, stderr in $W/err, status in rc
run() {
    "$TOOL" "$@" >"$W/out" 2>"$W/err"
    rc=$?
}

# run_in FILE ARGS...: the same with FILE on stdin
run_in() {
    local f=$1
    shift
    "$TOOL" "$@" <"$f" >"$W/out" 2>"$W/err"
    rc=$?
}

why() {
    echo "exit $rc; stderr: $(head -c 240 "$W/err" | tr '\n' '|')"
}

# check NAME WANT_RC [PATTERN_STDOUT [PATTERN_STDERR]] after a run
check() {
    local name=$1 want=$2 pout=${3:-} perr=${4:-}
    if [ "$rc" != "$want" ]; then
        bad "$name" "want exit $want, $(why)"
    elif [ -n "$pout" ] && ! grep -q -e "$pout" "$W/out"; then
        bad "$name" "stdout lacks '$pout': $(head -c 240 "$W/out")"
    elif [ -n "$perr" ] && ! grep -q -e "$perr" "$W/err"; then
        bad "$name" "stderr lacks '$perr', $(why)"
    else
        ok "$name"
    fi
}

# t NAME WANT_RC PATTERN_STDOUT PATTERN_STDERR -- ARGS...
t() {
    local name=$1 want=$2 pout=$3 perr=$4
    shift 5
    run "$@"
    check "$name" "$want" "$pout" "$perr"
}

# equal NAME GOT WANT
equal() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi
}

# truth NAME COMMAND...: passes when COMMAND succeeds
truth() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}

# same_file NAME FILE: stdout of the last run equals FILE
same_file() {
    if cmp -s "$W/out" "$2"; then ok "$1"; else bad "$1" "$(why)"; fi
}

# one_line NAME: stderr is exactly one line
one_line() {
    local n
    n=$(wc -l <"$W/err")
    if [ "$n" = 1 ]; then ok "$1"; else bad "$1" "$n lines on stderr"; fi
}

# ---- bytes ---------------------------------------------------------------

hexstr() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; }
filehex() { od -An -tx1 -v "$1" | tr -d ' \n' | tr a-f A-F; }
unhex() { printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')" >"$2"; }

# WSP uintvar of a number below 16384
uintvar() {
    if [ "$1" -lt 128 ]; then
        printf '%02X' "$1"
    else
        printf '%02X%02X' $((($1 >> 7) | 0x80)) $(($1 & 0x7F))
    fi
}

# pdu HEADERS_HEX BODY_FILE OUT: TID 01, Push 06, HeadersLen, headers, body
pdu() {
    unhex "0106$(uintvar $((${#1} / 2)))$1$(filehex "$2")" "$3"
}

# signed_pdu SEC MAC BODY OUT: 1F 2D B6 91 <80+sec> 92 <MAC> 00
signed_pdu() {
    pdu "1F2DB691$(printf '%02X' $((0x80 + $1)))92$(hexstr "$2")00" "$3" "$4"
}

# unsigned_pdu BODY OUT [INITIATOR [PUSH_FLAG]]
unsigned_pdu() {
    local h=B6
    [ -n "${3:-}" ] && h="${h}B1$(hexstr "$3")00"
    [ -n "${4:-}" ] && h="${h}B4$(printf '%02X' $((0x80 + $4)))"
    pdu "$h" "$1" "$2"
}

# JSON string field (first occurrence) of a vector file
jfield() {
    sed -n "s/^ *\"$2\": *\"\\(.*\\)\",\\{0,1\\} *\$/\\1/p" "$VEC/$1" | head -n 1 |
        sed 's/\\"/"/g'
}

# the pdu_hex of the wsp_push_pdus.json entry with id $1
vec_pdu() {
    awk -v id="$1" 'index($0, "\"id\": \"" id "\"") { f = 1; next }
        f && /"pdu_hex"/ { sub(/.*"pdu_hex": *"/, ""); sub(/".*/, ""); print; exit }' \
        "$VEC/wsp_push_pdus.json"
}

# ---- documents ---------------------------------------------------------------

cat >boot.xml <<EOF
<wap-provisioningdoc version="1.1">
<characteristic type="NAPDEF"><parm name="NAPID" value="INTERNET"/>
<parm name="NAME" value="Operator Internet"/>
<parm name="NAP-ADDRESS" value="internet.operator.example"/>
<parm name="NAP-ADDRTYPE" value="APN"/><parm name="BEARER" value="GSM-GPRS"/></characteristic>
<characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="PPG1"/>
<parm name="NAME" value="Operator PPG"/><parm name="TRUST"/><parm name="PUSHENABLED" value="1"/>
<characteristic type="PXPHYSICAL"><parm name="PHYSICAL-PROXY-ID" value="PPG1-SMSC"/>
<parm name="PXADDR" value="$GATEWAY"/><parm name="PXADDRTYPE" value="E164"/>
<parm name="TO-NAPID" value="INTERNET"/></characteristic></characteristic>
<characteristic type="BOOTSTRAP"><parm name="NAME" value="Operator TPS"/>
<parm name="PROVURL" value="$TPS"/></characteristic>
<characteristic type="SecurityPolicy"><parm name="4119" value="128"/>
<parm name="4143" value="256"/></characteristic>
</wap-provisioningdoc>
EOF
cat >policy.xml <<'EOF'
<wap-provisioningdoc><characteristic type="SecurityPolicy">
<parm name="4097" value="1"/></characteristic>
<characteristic type="APPLICATION"><parm name="APPID" value="w2"/>
<parm name="NAME" value="Operator portal"/></characteristic></wap-provisioningdoc>
EOF
cat >mgr.xml <<'EOF'
<wap-provisioningdoc><characteristic type="SecurityPolicy"><parm name="4105" value="5"/></characteristic></wap-provisioningdoc>
EOF
# ACCESS: MANAGER or USER_AUTH by default
cat >ua.xml <<'EOF'
<wap-provisioningdoc><characteristic type="ACCESS"><parm name="RULE" value="r1"/></characteristic></wap-provisioningdoc>
EOF
cat >netw.xml <<'EOF'
<wap-provisioningdoc><characteristic type="APPLICATION"><parm name="APPID" value="w4"/>
<parm name="ADDR" value="http://mms.operator.example/"/></characteristic></wap-provisioningdoc>
EOF
cat >px.xml <<EOF
<wap-provisioningdoc><characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="PPG1"/>
<parm name="TRUST"/><parm name="PUSHENABLED" value="1"/>
<characteristic type="PXPHYSICAL"><parm name="PHYSICAL-PROXY-ID" value="PPG1-SMSC"/>
<parm name="PXADDR" value="$GATEWAY"/></characteristic></characteristic></wap-provisioningdoc>
EOF
cat >q_access.xml <<'EOF'
<wap-provisioningdoc><characteristic-query type="ACCESS"/></wap-provisioningdoc>
EOF
cat >q_boot.xml <<'EOF'
<wap-provisioningdoc><characteristic-query type="BOOTSTRAP"/></wap-provisioningdoc>
EOF

# ---- help, version, usage ----------------------------------------------------------

t "--help exits 0 and lists every command" 0 "device init --state DIR" "" -- --help
for c in decode encode mac verify "device init" push sms process policy spc; do
    truth "--help documents '$c'" grep -q "^  $c" "$W/out"
done
truth "--help documents the exit statuses" grep -q "^ 74  a write failed" "$W/out"
# one exit-status table: the lines of --help, word for word in the README
# ("The omacp tool") and in the man page (EXIT STATUS)
sed -n '/^Exit status:$/,/^$/p' "$W/out" | sed '/^$/d' >exit_table.txt
truth "exit table: found in --help (10 lines or more)" test "$(wc -l <exit_table.txt)" -ge 10
while IFS= read -r line; do
    truth "exit table in README: $line" grep -q -F -x -e "$line" "$SRC_DIR/README.md"
    truth "exit table in man page: $line" grep -q -F -x -e "$line" "$MAN"
done <exit_table.txt
t "-h exits 0" 0 "^usage: omacp COMMAND" "" -- -h
t "help exits 0" 0 "^usage: omacp COMMAND" "" -- help
t "decode --help exits 0" 0 "^usage: omacp" "" -- decode --help
t "--version" 0 "^omacp [0-9][0-9.]* (libomacp [0-9][0-9.]*)\$" "" -- --version
t "-V" 0 "^omacp [0-9][0-9.]* (libomacp [0-9][0-9.]*)\$" "" -- -V
t "no command exits 2" 2 "" "^usage: omacp" --
t "unknown command exits 2" 2 "" "unknown command 'frob'" -- frob
t "decode unknown option exits 2" 2 "" "unknown option" -- decode --frob
t "decode two files exits 2" 2 "" "surplus argument 'b'" -- decode a b
t "encode -o without a name exits 2" 2 "" "option -o needs a value" -- encode -o
t "mac without --sec exits 2" 2 "" "--sec METHOD is required" -- mac mgr.xml
t "mac unknown SEC exits 2" 2 "" "unknown SEC method" -- mac --sec 7 mgr.xml
t "verify without a MAC form exits 2" 2 "" "exactly one of" -- verify --sec 1 --pin 1 mgr.xml
t "verify with two forms exits 2" 2 "" "exactly one of" -- verify --pdu --mac 00 mgr.xml
t "device without init exits 2" 2 "" "sub-command is init" -- device
t "device init without --state exits 2" 2 "" "--state DIR is required" -- device init
t "device init bad profile exits 2" 2 "" "branded or unbranded" -- device init --state x --profile open
t "device init bad tier exits 2" 2 "" "one or two" -- device init --state x --tier three
t "device init bad IMSI exits 2" 2 "" "13-15 digits" -- device init --state x --imsi 1234
t "device init non-digit IMSI exits 2" 2 "" "decimal digits" -- device init --state x --imsi 26201987654321X
t "push without --state exits 2" 2 "" "--state DIR is required" -- push boot.xml
t "push unknown option exits 2" 2 "" "unknown option --frob" -- push --state x --frob
t "push bad --ppg exits 2" 2 "" "any, known or trusted" -- push --state x --ppg maybe
t "sms without parts exits 2" 2 "" "give the SMS user data parts" -- sms --state x
t "process bad --source exits 2" 2 "" "--source takes" -- process --state x --source fax
t "process without --source exits 2" 2 "" "--source takes" -- process --state x mgr.xml
t "process bad --signer exits 2" 2 "" "40 hex digits" -- process --state x --source cpf --signer 12
t "policy without op exits 2" 2 "" "get ID" -- policy --state x
t "policy get non-number exits 2" 2 "" "get ID" -- policy --state x get abc
t "policy set without value exits 2" 2 "" "get ID" -- policy --state x set 4105
t "spc bad thumbprint exits 2" 2 "" "add SHA1HEX" -- spc --state x add 1234 8
t "spc add without mask exits 2" 2 "" "add SHA1HEX" -- spc --state x add $SIGNER
truth "usage errors create no state" test ! -e x

# ---- decode / encode ------------------------------------------------------------------

for v in doc_cht_operator_codepage doc_provcont_appc_example doc_nowsms_strtbl doc_minimal_empty; do
    unhex "$(jfield $v.json wbxml_hex)" $v.wbxml
    jfield $v.json xml >$v.xml
    t "decode $v" 0 "" "" -- decode $v.wbxml
    same_file "decode $v = the vector's XML" $v.xml
    run_in $v.wbxml decode -
    same_file "decode $v from stdin" $v.xml
    t "encode $v XML" 0 "" "" -- encode -o $v.enc $v.xml
    run decode $v.enc
    same_file "round trip XML -> WBXML -> XML ($v)" $v.xml
    t "encode --no-string-table $v" 0 "" "" -- encode --no-string-table -o $v.nst $v.wbxml
    run decode $v.nst
    same_file "round trip WBXML -> WBXML -> XML ($v)" $v.xml
    run_in $v.xml encode
    same_file "encode to stdout = encode -o ($v)" $v.enc
done
equal "encode writes WBXML 1.3" "$(head -c 1 doc_minimal_empty.enc | od -An -tx1 | tr -d ' ')" 03
t "decode --pretty indents" 0 "^  <characteristic type=\"BOOTSTRAP\">" "" -- decode --pretty doc_cht_operator_codepage.wbxml
n=$(grep -c . "$W/out")
truth "decode --pretty: one element per line ($n lines)" test "$n" -gt 20

# --max-size: a 2 MB document of 70000 parms is over the default limits of
# 1 MiB and 65536 elements; --max-size raises both.
awk 'BEGIN { printf "<wap-provisioningdoc><characteristic type=\"BOOTSTRAP\">";
             for (i = 0; i < 70000; i++) printf "<parm name=\"NAME\" value=\"x\"/>";
             printf "</characteristic></wap-provisioningdoc>" }' >big.xml
t "decode over 1 MiB exits 65" 65 "" "larger than the document limit" -- decode big.xml
t "decode --max-size takes 2 MB" 0 "" "" -- decode --max-size 3000000 big.xml
equal "decode --max-size writes the document" "$(tr -d '\n' <"$W/out" | cmp -s - big.xml && echo same)" same
t "encode --max-size=3000000" 0 "" "" -- encode --max-size=3000000 -o big.wbxml big.xml
t "decode of 70000 elements without --max-size exits 65" 65 "" "more than 65536 elements" -- decode big.wbxml
t "decode --max-size takes 70000 elements" 0 "" "" -- decode --max-size 3000000 big.wbxml
equal "decode --max-size of the WBXML = the XML" "$(tr -d '\n' <"$W/out" | cmp -s - big.xml && echo same)" same
t "decode --max-size below the input exits 65" 65 "" "limit (1000 bytes)" -- decode --max-size 1000 big.xml
t "decode --max-size abc exits 2" 2 "" "positive number of bytes" -- decode --max-size abc big.xml
t "decode --max-size 0 exits 2" 2 "" "positive number of bytes" -- decode --max-size 0 big.xml
t "encode --max-size without value exits 2" 2 "" "needs a value" -- encode --max-size

unhex "$(jfield doc_gecko_vendorconfig_truncated.json wbxml_hex)" trunc.wbxml
t "decode truncated WBXML exits 65" 65 "" "malformed input: .*(at byte 16)" -- decode trunc.wbxml
one_line "decode truncated WBXML: one-line reason"
truth "decode truncated WBXML: nothing on stdout" test ! -s "$W/out"
unhex 030B6A0045FF bad_token.wbxml
t "decode unknown token exits 65" 65 "" "(at byte 5)" -- decode bad_token.wbxml
one_line "decode unknown token: one-line reason"
unhex 030B6A0045C601 no_type.wbxml
t "encode malformed WBXML exits 65" 65 "" "(at byte [0-9][0-9]*)" -- encode no_type.wbxml
one_line "encode malformed WBXML: one-line reason"
printf '<wap-provisioningdoc><characteristic type="X">' >bad.xml
t "decode malformed XML exits 65" 65 "" "line 1, column" -- decode bad.xml
one_line "decode malformed XML: one-line reason"
t "decode missing file exits 66" 66 "" "cannot open nosuch.wbxml" -- decode nosuch.wbxml
t "encode unwritable output exits 73" 73 "" "cannot create" -- encode -o nodir/x.wbxml mgr.xml

# ---- mac / verify ----------------------------------------------------------------------

unhex "$(jfield mac_gecko_netwpin_minimal_doc.json body_hex)" netw_body.wbxml
NETW_MAC=$(jfield mac_gecko_netwpin_minimal_doc.json mac_hex)
unhex "$(jfield mac_gecko_userpin_operator_doc.json body_hex)" op_body.wbxml
OP_MAC=$(jfield mac_gecko_userpin_operator_doc.json mac_hex)
unhex "$(jfield mac_nowsms_forum_netwpin.json body_hex)" nowsms_body.wbxml
NOWSMS_MAC=$(jfield mac_nowsms_forum_netwpin.json mac_hex)

t "mac NETWPIN (gecko vector)" 0 "^$NETW_MAC\$" "" -- mac --sec NETWPIN --imsi $VEC_IMSI netw_body.wbxml
t "mac NETWPIN (NowSMS vector)" 0 "^$NOWSMS_MAC\$" "" -- mac --sec 0 --imsi 123456789012345 nowsms_body.wbxml
t "mac USERPIN (gecko vector)" 0 "^$OP_MAC\$" "" -- mac --sec userpin --pin 0000 op_body.wbxml
t "mac USERNETWPIN (computed vector)" 0 "^FF887C8B53764272A9B6F23B04646A3706EFA60F\$" "" -- mac --sec USERNETWPIN --imsi $VEC_IMSI --pin 1234 op_body.wbxml
t "mac USERPINMAC gives the typed digits" 0 "^1234517887\$" "" -- mac --sec USERPINMAC --pin 12345 op_body.wbxml
run_in op_body.wbxml mac --sec 1 --pin 0000 -
check "mac from stdin" 0 "^$OP_MAC\$"
t "mac without the PIN it needs exits 2" 2 "" "" -- mac --sec USERPIN op_body.wbxml
t "mac two IMSIs exits 2" 2 "" "one --imsi only" -- mac --sec 0 --imsi $IMSI --imsi $IMSI2 op_body.wbxml
t "mac missing file exits 66" 66 "" "cannot open" -- mac --sec 1 --pin 1 nosuch

LOWER=$(printf '%s' "$NETW_MAC" | tr A-F a-f)
t "verify NETWPIN vector" 0 "" "authentic (NETWPIN, IMSI 1)" -- verify --sec NETWPIN --mac "$NETW_MAC" --imsi $VEC_IMSI netw_body.wbxml
t "verify lower-case MAC" 0 "" "authentic" -- verify --sec NETWPIN --mac "$LOWER" --imsi $VEC_IMSI netw_body.wbxml
t "verify tries every IMSI" 0 "" "IMSI 2" -- verify --sec 0 --mac "$NETW_MAC" --imsi $IMSI --imsi $VEC_IMSI netw_body.wbxml
t "verify wrong MAC exits 1" 1 "" "not authentic" -- verify --sec NETWPIN --mac 0AF545FE2823DC9347064450F90FF1BBF957E146 --imsi $VEC_IMSI netw_body.wbxml
t "verify wrong IMSI exits 1" 1 "" "not authentic" -- verify --sec NETWPIN --mac "$NETW_MAC" --imsi $IMSI netw_body.wbxml
t "verify short MAC exits 65" 65 "" "malformed" -- verify --sec NETWPIN --mac 1AF545FE2823DC9347064450F90FF1BBF957E1 --imsi $VEC_IMSI netw_body.wbxml
t "verify non-hex MAC exits 65" 65 "" "malformed" -- verify --sec NETWPIN --mac 1AF545FE2823DC9347064450F90FF1BBF957E14G --imsi $VEC_IMSI netw_body.wbxml
t "verify USERPIN vector" 0 "" "authentic (USERPIN)" -- verify --sec 1 --mac "$OP_MAC" --pin 0000 op_body.wbxml
t "verify USERPIN wrong PIN exits 1" 1 "" "not authentic" -- verify --sec 1 --mac "$OP_MAC" --pin 0001 op_body.wbxml
t "verify USERPINMAC typed digits" 0 "" "authentic (USERPINMAC)" -- verify --sec USERPINMAC --mac x --pin 1234517887 op_body.wbxml
t "verify USERPINMAC wrong digit exits 1" 1 "" "not authentic" -- verify --sec USERPINMAC --mac x --pin 1234517888 op_body.wbxml
t "verify --content-type" 0 "" "authentic (USERPIN)" -- verify --content-type "application/vnd.wap.connectivity-wbxml; SEC=USERPIN; MAC=$OP_MAC" --pin 0000 op_body.wbxml
t "verify --content-type wrong PIN exits 1" 1 "" "not authentic" -- verify --content-type "application/vnd.wap.connectivity-wbxml; SEC=1; MAC=$OP_MAC" --pin 1111 op_body.wbxml
t "verify --content-type unsigned exits 1" 1 "" "no SEC" -- verify --content-type "application/vnd.wap.connectivity-wbxml" op_body.wbxml
t "verify --content-type malformed exits 65" 65 "" "malformed content type" -- verify --content-type "application" op_body.wbxml
unhex "$(vec_pdu push-userpin)" v_userpin.pdu
unhex "$(vec_pdu push-netwpin)" v_netwpin.pdu
unhex "$(vec_pdu push-no-sec)" v_nosec.pdu
unhex "$(vec_pdu push-userpinmac-short-length)" v_pinmac.pdu
unhex "$(vec_pdu push-userpin-extra-headers)" v_extra.pdu
t "verify --pdu USERPIN vector" 0 "" "authentic (USERPIN)" -- verify --pdu --pin 0000 v_userpin.pdu
t "verify --pdu extra headers vector" 0 "" "authentic (USERPIN)" -- verify --pdu --pin 0000 v_extra.pdu
t "verify --pdu NETWPIN vector" 0 "" "authentic (NETWPIN, IMSI 1)" -- verify --pdu --imsi $VEC_IMSI v_netwpin.pdu
t "verify --pdu USERPINMAC vector" 0 "" "authentic (USERPINMAC)" -- verify --pdu --pin 1234517887 v_pinmac.pdu
t "verify --pdu wrong PIN exits 1" 1 "" "not authentic" -- verify --pdu --pin 0001 v_userpin.pdu
t "verify --pdu unsigned exits 1" 1 "" "no SEC" -- verify --pdu v_nosec.pdu
head -c 30 v_userpin.pdu >cut.pdu
t "verify --pdu truncated exits 65" 65 "" "(at byte" -- verify --pdu --pin 0000 cut.pdu
one_line "verify --pdu truncated: one-line reason"

# ---- device init ---------------------------------------------------------------------------

t "device init (defaults)" 0 "branded, two-tier, 0 IMSI(s)" "" -- device init --state br
t "device init unbranded, 2 IMSIs" 0 "unbranded, two-tier, 2 IMSI(s)" "" -- device init --state un --profile unbranded --imsi $IMSI --imsi $IMSI2
t "device init one-tier" 0 "branded, one-tier, 1 IMSI(s)" "" -- device init --state one --tier one --imsi $IMSI
t "device init unbranded one-tier" 0 "unbranded, one-tier" "" -- device init --state un1 --profile unbranded --tier one --imsi $IMSI
t "device init branded with IMSI" 0 "branded, two-tier, 1 IMSI(s)" "" -- device init --state bri --profile branded --imsi $IMSI
t "device re-init refused" 1 "" "holds a device already" -- device init --state un --profile branded
t "policy after re-init: still unbranded (4143)" 0 "^4096\$" "" -- policy --state un get 4143
t "branded 4143 default" 0 "^256\$" "" -- policy --state br get 4143
t "one-tier: 4123 = 1" 0 "^1\$" "" -- policy --state one get 4123
t "two-tier: 4123 = 0" 0 "^0\$" "" -- policy --state br get 4123
t "device init in an unwritable place exits 73" 73 "" "cannot create" -- device init --state nodir/sub

# ---- missing or foreign state directories ----------------------------------------------------

mkdir empty
for c in "push --state nosuch v_nosec.pdu" "sms --state nosuch 00" \
    "process --state nosuch --source ui mgr.xml" "policy --state nosuch list" \
    "spc --state nosuch list"; do
    # shellcheck disable=SC2086
    t "${c%% *}: missing state dir exits 66" 66 "" "cannot open the state directory" -- $c
done
t "policy: a directory that is no device exits 66" 66 "" "is not a device" -- policy --state empty get 4105
t "push: missing PDU file exits 66" 66 "" "cannot open" -- push --state un nosuch.pdu

# ---- push: the bootstrap and what follows ----------------------------------------------------

t "encode the bootstrap" 0 "" "" -- encode -o boot.wbxml boot.xml
t "mac of the bootstrap" 0 "^[0-9A-F]\{40\}\$" "" -- mac --sec USERNETWPIN --imsi $IMSI --pin $PIN boot.wbxml
BOOT_MAC=$(cat "$W/out")
signed_pdu 2 "$BOOT_MAC" boot.wbxml boot.pdu
t "verify --pdu the bootstrap PDU" 0 "" "authentic (USERNETWPIN, IMSI 1)" -- verify --pdu --imsi $IMSI --pin $PIN boot.pdu

t "push bootstrap without a PIN refused" 1 "" "no PIN" -- push --state un boot.pdu
t "push bootstrap wrong PIN refused" 1 "" "refused" -- push --state un --pin 0000 boot.pdu
t "push bootstrap: applied" 0 "PROVURL" "applied: SEC=USERNETWPIN roles=0x1014 ANY_PUSH_SOURCE|OPERATOR|USER_AUTH (bootstrap)" -- push --state un --pin $PIN boot.pdu
one_line "push: one verdict line on stderr"
t "bootstrap set 4119" 0 "^128\$" "" -- policy --state un get 4119
t "bootstrap set 4143" 0 "^256\$" "" -- policy --state un get 4143
t "bootstrap stored the TPS" 0 "value=\"$TPS\"" "" -- process --state un --source ui q_boot.xml
t "second bootstrap, unknown gateway: refused by 4143" 1 "" "4143" -- push --state un --pin $PIN boot.pdu
t "second bootstrap, trusted gateway: refused" 1 "" "already bootstrapped" -- push --state un --gateway $GATEWAY --pin $PIN boot.pdu
t "the TPS is unchanged" 0 "value=\"$TPS\"" "" -- process --state un --source ui q_boot.xml

t "encode the TPS document" 0 "" "" -- encode -o policy.wbxml policy.xml
unsigned_pdu policy.wbxml tps.pdu "$TPS" 1
t "TPS, gateway address without --ppg trusted: refused by 4110" 1 "" "4110" -- push --state un --gateway $GATEWAY tps.pdu
t "TPS through its trusted gateway: applied" 0 "4097" "applied: SEC=none roles=0x17c0" -- push --state un --ppg trusted --gateway $GATEWAY tps.pdu
t "TPS document changed 4097" 0 "^1\$" "" -- policy --state un get 4097
t "policy set 4097 2" 0 "" "" -- policy --state un set 4097 2
t "same document, unknown gateway: refused by 4110" 1 "" "4110" -- push --state un --gateway $STRANGER tps.pdu
t "same document, unknown gateway called trusted: refused by 4110" 1 "" "4110" -- push --state un --ppg trusted --gateway $STRANGER tps.pdu
t "same document, --ppg trusted without an address: refused by 4110" 1 "" "4110" -- push --state un --ppg trusted tps.pdu
t "same document, --ppg known: refused by 4110" 1 "" "4110" -- push --state un --ppg known tps.pdu
t "4097 unchanged" 0 "^2\$" "" -- policy --state un get 4097
run_in tps.pdu push --state un --ppg trusted --gateway $GATEWAY -
check "push from stdin" 0 "" "applied"

t "branded: bootstrap via known gateway refused" 1 "" "branded" -- push --state bri --ppg known --pin $PIN boot.pdu
t "branded: bootstrap via unknown gateway refused by 4143" 1 "" "4143" -- push --state bri --pin $PIN boot.pdu
t "branded: no TPS" 0 "nocharacteristic type=\"BOOTSTRAP\"" "" -- process --state bri --source ui q_boot.xml

# wrong PINs: policy 4105 = 2, the tool answers one prompt per run
t "encode the MANAGER document" 0 "" "" -- encode -o mgr.wbxml mgr.xml
t "mac USERPIN 2468" 0 "" "" -- mac --sec USERPIN --pin 2468 mgr.wbxml
signed_pdu 1 "$(cat "$W/out")" mgr.wbxml pin.pdu
t "policy set 4105 2" 0 "" "" -- policy --state bri set 4105 2
t "wrong PIN 1: refused" 1 "" "no PIN was entered" -- push --state bri --ppg known --pin 1111 pin.pdu
t "wrong PIN 2: exhausted" 1 "" "too many times" -- push --state bri --ppg known --pin 2222 pin.pdu
t "right PIN after the limit: still discarded" 1 "" "too many times" -- push --state bri --ppg known --pin 2468 pin.pdu

# a pure-NETWPIN message and policy 4132
t "encode the operator document" 0 "" "" -- encode -o netw.wbxml netw.xml
t "mac NETWPIN with the second IMSI" 0 "" "" -- mac --sec NETWPIN --imsi $IMSI2 netw.wbxml
signed_pdu 0 "$(cat "$W/out")" netw.wbxml netw.pdu
t "NETWPIN refused by 4141 = 0" 1 "" "4141" -- push --state un --ppg known netw.pdu
t "policy set 4141 256" 0 "" "" -- policy --state un set 4141 256
t "NETWPIN without --confirm: refused" 1 "" "4132" -- push --state un --ppg known netw.pdu
t "NETWPIN with --confirm: applied" 0 "mms.operator" "applied: SEC=NETWPIN roles=0x1104" -- push --state un --ppg known --confirm netw.pdu
t "policy set 4132 1" 0 "" "" -- policy --state un set 4132 1
t "NETWPIN, 4132 = 1: no confirmation needed" 0 "" "applied: SEC=NETWPIN" -- push --state un --ppg known netw.pdu

# the vectors end to end
t "device init for the vectors" 0 "" "" -- device init --state vec --profile unbranded --imsi $VEC_IMSI
t "vector push-userpin: rolled back (BOOTSTRAP needs MANAGER)" 1 "parm-error name=\"NAME\"" "rolled back" -- push --state vec --ppg known --pin 0000 v_userpin.pdu
t "vector push-no-sec: refused by 4110" 1 "" "4110" -- push --state vec --ppg known v_nosec.pdu
t "vector push-netwpin: refused by 4141" 1 "" "4141" -- push --state vec --ppg known --confirm v_netwpin.pdu
t "policy set 4141 4096" 0 "" "" -- policy --state vec set 4141 4096
t "vector push-netwpin: applied" 0 "<wap-provisioningdoc></wap-provisioningdoc>" "applied: SEC=NETWPIN" -- push --state vec --confirm v_netwpin.pdu
t "policy set 4119 256" 0 "" "" -- policy --state vec set 4119 256
t "vector push-userpin: applied" 0 "CHT_emome" "applied: SEC=USERPIN roles=0x1110" -- push --state vec --ppg known --pin 0000 v_userpin.pdu
t "vector push-userpinmac: applied" 0 "" "applied: SEC=USERPINMAC" -- push --state vec --ppg known --pin 1234517887 v_pinmac.pdu
t "vector extra headers, --ppg trusted, no gateway stored: KNOWN only" 0 "" "roles=0x1110" -- push --state vec --ppg trusted --pin 0000 v_extra.pdu
t "store a trusted push gateway" 0 "" "applied" -- process --state vec --source ui px.xml
t "vector extra headers via trusted PPG: Push-Flag believed" 0 "" "roles=0x1710" -- push --state vec --ppg trusted --gateway $GATEWAY --pin 0000 v_extra.pdu

# malformed PDUs
t "truncated PDU exits 65" 65 "" "malformed push: .*(at byte" -- push --state un cut.pdu
one_line "truncated PDU: one-line reason"
unhex 010601B6030B6A0045 badbody.pdu
t "policy set 4110 4096" 0 "" "" -- policy --state un1 set 4110 4096
t "undecodable body exits 65" 65 "" "malformed push: .*(at byte 5)" -- push --state un1 badbody.pdu
unhex 010601830000 plain.pdu
t "not a provisioning content type: refused" 1 "" "not a provisioning" -- push --state un1 plain.pdu
t "policy set 4113 0" 0 "" "" -- policy --state un1 set 4113 0
t "4113 = 0 refuses every push" 1 "" "4113" -- push --state un1 v_nosec.pdu

# ---- sms ---------------------------------------------------------------------------------------

t "device init for SMS" 0 "" "" -- device init --state sm --profile unbranded --imsi $IMSI
PDU_HEX=$(filehex boot.pdu)
total=$(((${#PDU_HEX} + 199) / 200))
parts=()
for ((i = 0; i < total; i++)); do
    parts[i]="0B05040B8423F0000342$(printf '%02X%02X' $total $((i + 1)))${PDU_HEX:i*200:200}"
done
truth "the bootstrap takes several SMS ($total)" test "$total" -ge 3
shuffled=("${parts[@]:1}" "${parts[0]:-}")
t "sms missing a part: kept for the next call" 0 "" "waiting for more segments" -- sms --state sm --pin $PIN "${shuffled[@]:1}"
t "sms broken UDH exits 65" 65 "" "malformed SMS: .*(at byte 0)" -- sms --state sm 0B05040B8423F0
t "sms wrong WDP port exits 65" 65 "" "2948" -- sms --state sm 06050423F00B84010601B6030B6A004501
printf '%b' "$(printf '%s' "${parts[1]:-}" | sed 's/../\\x&/g')" >part2.bin
files=("${shuffled[@]}")
files[0]=part2.bin
t "sms shuffled parts (one from a file): applied" 0 "PROVURL" "applied: SEC=USERNETWPIN roles=0x1014 ANY_PUSH_SOURCE|OPERATOR|USER_AUTH (bootstrap)" -- sms --state sm --pin $PIN "${files[@]}"
t "sms bootstrap set the TPS" 0 "value=\"$TPS\"" "" -- process --state sm --source ui q_boot.xml
t "sms bootstrap again: refused" 1 "" "4143" -- sms --state sm --pin $PIN "${parts[@]}"

# ---- process: every source ---------------------------------------------------------------------

t "device init two-tier" 0 "" "" -- device init --state p2
t "device init one-tier" 0 "" "" -- device init --state p1 --tier one
t "api-privileged: MANAGER document applied" 0 "value=\"5\"" "applied: roles=0x8" -- process --state p2 --source api-privileged mgr.xml
t "policy reset 4105" 0 "" "" -- policy --state p2 reset 4105
t "api-normal two-tier: MANAGER document rolled back" 1 "parm-error" "rolled back" -- process --state p2 --source api-normal mgr.xml
t "api-normal two-tier: USER_AUTH document applied" 0 "" "roles=0x10" -- process --state p2 --source api-normal ua.xml
t "api-normal one-tier: MANAGER document applied" 0 "" "roles=0x8" -- process --state p1 --source api-normal mgr.xml
t "rapi (4097 = 2): MANAGER document rolled back" 1 "" "rolled back" -- process --state p2 --source rapi mgr.xml
t "rapi (4097 = 2): USER_AUTH document applied" 0 "" "roles=0x10" -- process --state p2 --source rapi ua.xml
t "policy set 4097 1" 0 "" "" -- policy --state p2 set 4097 1
t "rapi (4097 = 1): MANAGER document applied" 0 "" "roles=0x8" -- process --state p2 --source rapi mgr.xml
t "policy set 4097 0" 0 "" "" -- policy --state p2 set 4097 0
t "rapi (4097 = 0): refused" 1 "" "4097" -- process --state p2 --source rapi ua.xml
t "cpf unsigned (4101 = USER_AUTH): MANAGER document rolled back" 1 "" "roles 0x10" -- process --state p2 --source cpf mgr.xml
t "cpf unsigned: USER_AUTH document applied" 0 "" "roles=0x10" -- process --state p2 --source cpf ua.xml
t "spc add" 0 "" "" -- spc --state p2 add $SIGNER 8
t "cpf --signer in the SPC store: MANAGER" 0 "" "roles=0x8" -- process --state p2 --source cpf --signer $SIGNER mgr.xml
t "cpf --signer in lower case: MANAGER" 0 "" "roles=0x8" -- process --state p2 --source cpf --signer "$(printf '%s' $SIGNER | tr A-F a-f)" mgr.xml
t "cpf --signer not in the store: 4101" 1 "" "rolled back" -- process --state p2 --source cpf --signer $OTHER mgr.xml
t "policy set 4101 64" 0 "" "" -- policy --state p2 set 4101 64
t "cpf unsigned (4101 = USER_UNAUTH): refused" 1 "" "roles 0x40" -- process --state p2 --source cpf ua.xml
t "boot: MANAGER" 0 "" "roles=0x8" -- process --state p2 --source boot mgr.xml
t "ui: exempt" 0 "" "roles=0x80000010" -- process --state p2 --source ui mgr.xml
run_in mgr.xml process --state p2 --source ui -
check "process from stdin" 0 "" "applied"
t "policy set 4105 4" 0 "" "" -- policy --state p2 set 4105 4
t "--metadata answers with the metabase" 0 "datatype=\"integer\" rw-access=\"3\"" "metadata: roles=0x8" -- process --state p2 --source boot --metadata mgr.xml
t "--metadata changed nothing" 0 "^4\$" "" -- policy --state p2 get 4105
t "process malformed XML exits 65" 65 "" "line 1, column" -- process --state p2 --source ui bad.xml
one_line "process malformed XML: one-line reason"
t "process missing file exits 66" 66 "" "cannot open" -- process --state p2 --source ui nosuch.xml

# ---- policy -------------------------------------------------------------------------------------

t "policy get 4105 (set by api-normal on one-tier)" 0 "^5\$" "" -- policy --state p1 get 4105
t "policy set 4105 7" 0 "" "" -- policy --state p1 set 4105 7
t "policy get 4105 after set" 0 "^7\$" "" -- policy --state p1 get 4105
t "policy list shows the change" 0 "^4105 .* 7 (changed)" "" -- policy --state p1 list
n=$(grep -c '^[0-9]' "$W/out")
truth "policy list lists every policy ($n)" test "$n" -ge 40
truth "policy list: 4097 RAPI 2" grep -q '^4097  *RAPI  *2  ' "$W/out"
t "policy reset 4105" 0 "" "" -- policy --state p1 reset 4105
t "policy get 4105 after reset" 0 "^3\$" "" -- policy --state p1 get 4105
t "policy get unknown id: not found, exits 1" 1 "" "unknown policy 9999" -- policy --state p1 get 9999
t "policy set out of range exits 2" 2 "" "out of range" -- policy --state p1 set 4105 0
t "policy set out of range changed nothing" 0 "^3\$" "" -- policy --state p1 get 4105
t "policy reset unknown id: not found, exits 1" 1 "" "" -- policy --state p1 reset 1

# ---- spc -----------------------------------------------------------------------------------------

t "spc list (empty)" 0 "" "" -- spc --state p1 list
truth "spc list empty: no output" test ! -s "$W/out"
t "spc add" 0 "" "" -- spc --state p1 add $SIGNER 24
t "spc add a second" 0 "" "" -- spc --state p1 add "$(printf '%s' $OTHER | tr A-F a-f)" 64
t "spc list" 0 "^$SIGNER 0x18 MANAGER|USER_AUTH\$" "" -- spc --state p1 list
truth "spc list: upper-case thumbprint" grep -q "^$OTHER 0x40 USER_UNAUTH\$" "$W/out"
t "spc add replaces" 0 "" "" -- spc --state p1 add $SIGNER 8
t "spc list after replace" 0 "^$SIGNER 0x8 MANAGER\$" "" -- spc --state p1 list
equal "spc list: two entries" "$(grep -c . "$W/out")" 2
t "spc remove" 0 "" "" -- spc --state p1 remove $SIGNER
t "spc list after remove" 0 "^$OTHER 0x40 USER_UNAUTH\$" "" -- spc --state p1 list
equal "spc list: one entry" "$(grep -c . "$W/out")" 1
t "spc remove absent: not found, exits 1" 1 "" "no such signer" -- spc --state p1 remove $SIGNER
t "spc add a role mask beyond the roles exits 2" 2 "" "" -- spc --state p1 add $SIGNER 4294967295

# ---- one state directory, eight processes at once -------------------------------------------------
# Each changes its own policy in the one policy blob; the lock on the
# directory makes them take turns, so no change is saved over.

t "concurrent: device init" 0 "" "" -- device init --state cc
n=0
for id in 4125 4126 4127 4130 4131 4133 4134 4135; do
    n=$((n + 1))
    "$TOOL" policy --state cc set $id $((1000 + n)) >/dev/null 2>"$W/cc.$id" &
done
wait
n=0
lost=""
for id in 4125 4126 4127 4130 4131 4133 4134 4135; do
    n=$((n + 1))
    v=$("$TOOL" policy --state cc get $id 2>/dev/null)
    [ "$v" = $((1000 + n)) ] || lost="$lost $id=$v"
done
equal "concurrent: eight policy changes, none lost" "${lost:-none}" none
truth "concurrent: the lock file is DIR/.lock" test -f cc/.lock

# ---- storage failures: exit 74 -------------------------------------------------------------------
# A blob file replaced by a directory can neither be read nor replaced; this
# works as root too (CI), where chmod would not stop writes.

t "storage: device init" 0 "" "" -- device init --state s74
mkdir s74/s.ACCESS.0
t "storage: a commit that cannot be stored exits 74" 74 "" \
    "storage failed: .*commit pending.*s.ACCESS.0" -- process --state s74 --source ui ua.xml
one_line "storage: one-line reason"
truth "storage: no output document for an unstored commit" test ! -s "$W/out"
t "storage: the pending commit that cannot be finished exits 74" 74 "" \
    "interrupted commit pending, cannot be finished" -- policy --state s74 get 4105
rmdir s74/s.ACCESS.0
t "storage: the next command finishes the pending commit" 0 "^3\$" "" -- policy --state s74 get 4105
run_in q_access.xml process --state s74 --source ui
check "storage: the finished commit is there" 0 'value="r1"'
t "storage: device init (2)" 0 "" "" -- device init --state s75
t "storage: policy set" 0 "" "" -- policy --state s75 set 4105 5
rm -f s75/policy && mkdir s75/policy
t "storage: unreadable state exits 74" 74 "" "storage failed: .*policy" -- policy --state s75 get 4105
one_line "storage: unreadable state: one-line reason"

# ---- hosting more CSP types: device init --settings-csp ------------------------------------------

t "settings-csp: device init hosting two more types" 0 \
    "also hosting CM_GPRSEntries, Registry" "" \
    -- device init --state wm --settings-csp CM_GPRSEntries --settings-csp Registry
cat >wm.xml <<'EOF'
<wap-provisioningdoc><characteristic type="CM_GPRSEntries"><characteristic type="Entries">
<characteristic type="Operator GPRS"><parm name="DestId" value="{436EF144-B4FB-4863-A041-8F905A62C572}"/>
<parm name="UserName" value="guest"/><characteristic type="DevSpecificCellular">
<parm name="GPRSInfoAccessPointName" value="internet.example"/></characteristic>
</characteristic></characteristic></characteristic>
<characteristic type="Registry"><characteristic type="HKCU\Software\Example">
<parm name="Flag" value="1" datatype="integer"/></characteristic></characteristic>
</wap-provisioningdoc>
EOF
run_in wm.xml process --state wm --source api-privileged
check "settings-csp: a document for hosted Windows Mobile CSPs applies" 0 'characteristic type="CM_GPRSEntries"'
cat >wmq.xml <<'EOF'
<wap-provisioningdoc><characteristic-query type="CM_GPRSEntries"/><characteristic type="Registry"><characteristic-query type="HKCU\Software\Example"/></characteristic></wap-provisioningdoc>
EOF
run_in wmq.xml process --state wm --source api-privileged
check "settings-csp: the settings are stored and read back" 0 'value="internet.example"'
check "settings-csp: the second type too" 0 'parm name="Flag" value="1"'
run_in wm.xml process --state br --source api-privileged
check "settings-csp: a device that does not host them refuses" 1 "" "no configuration service provider for CM_GPRSEntries"
t "settings-csp: a built-in type is refused" 2 "" "does not host yet" \
    -- device init --state wm2 --settings-csp securitypolicy
t "settings-csp: a type hosted already is refused" 2 "" "does not host yet" \
    -- device init --state wm2 --settings-csp NAPDEF
t "settings-csp: the same type twice is refused" 2 "" "each once" \
    -- device init --state wm2 --settings-csp Registry --settings-csp registry
t "settings-csp: a type with a slash is refused" 2 "" "letters, digits" \
    -- device init --state wm2 --settings-csp "a/b"

# ---- the sending side: pdu, sms-split, sms --tpdu ---------------------------------------------

V_PDU=$(jfield wsp_push_pdus.json pdu_hex)
unhex "${V_PDU:100}" v_body.wbxml
t "pdu USERPIN: the Kannel-layout vector byte for byte" 0 "^$V_PDU\$" "" -- pdu --sec USERPIN --pin 0000 --hex v_body.wbxml
t "pdu unsigned: content type B6" 0 "^0106.\{2\}B6030B6A" "" -- pdu --hex v_body.wbxml
t "pdu textual content type" 0 "^01065C1F5A6170706C" "" -- pdu --sec 1 --pin 0000 --text-content-type --hex v_body.wbxml
t "pdu headers" 0 "AF80B1.*B483" "" -- pdu --sec 1 --pin 0000 --app-id 0 --initiator http://tps.example/ --push-flag 3 --hex v_body.wbxml
t "pdu USERPINMAC prints the typed digits" 0 "^01060403B69183" "user types 1234517887" -- pdu --sec USERPINMAC --pin 12345 --no-mac --hex v_body.wbxml
t "pdu bad method exits 2" 2 "" "bad value for --sec" -- pdu --sec 7 v_body.wbxml
t "pdu without a PIN exits 65" 65 "" "PIN" -- pdu --sec USERPIN v_body.wbxml
t "pdu of the bootstrap XML" 0 "" "" -- pdu --sec USERNETWPIN --imsi $IMSI --pin $PIN -o boot2.pdu boot.xml
t "verify --pdu: the built PDU is authentic" 0 "" "authentic (USERNETWPIN" -- verify --pdu --imsi $IMSI --pin $PIN boot2.pdu
t "sms-split: parts in hex" 0 "^0B05040B840B8400030[0-9A-F]" "" -- sms-split --ref 9 boot2.pdu
mapfile -t sp <"$W/out"
truth "sms-split: several parts, all but the last 140 octets" \
    test "${#sp[@]}" -ge 2 -a "${#sp[0]}" = 280
t "sms-split --ref16" 0 "^0C05040B840B84080400" "" -- sms-split --ref16 --ref 1 boot2.pdu
t "sms-split --deliver needs --from" 2 "" "needs --from" -- sms-split --deliver boot2.pdu
t "sms-split --deliver" 0 "^0044" "" -- sms-split --deliver --from +4917012345678 --smsc "" --scts 1700000000 --ref 3 boot2.pdu
mapfile -t tp <"$W/out"
t "device init for TPDUs" 0 "" "" -- device init --state tp --profile unbranded --imsi $IMSI
n=${#tp[@]}
for ((i = n - 1; i > 0; i--)); do
    t "sms --tpdu part $((i + 1)) of $n: waiting" 0 "" "waiting for more segments" -- sms --state tp --pin $PIN --tpdu "${tp[i]}"
done
t "sms --tpdu the last part: applied" 0 "PROVURL" "applied: SEC=USERNETWPIN" -- sms --state tp --pin $PIN --tpdu "${tp[0]}"
t "sms --tpdu: a text message is ignored" 0 "" "not a WAP push" -- sms --state tp --tpdu 07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37
t "sms --tpdu: a status report exits 65" 65 "" "STATUS-REPORT" -- sms --state tp --tpdu 0002
t "sms --tpdu: user data cut exits 65" 65 "" "the octets end inside the user data" -- sms --state tp --tpdu 0044029121000432114122310200110605
t "sms: broken saved state is dropped with a warning" 0 "" "" -- device init --state tq
printf 'junk' >tq/sms-pending
t "sms: broken saved state: warned, then waiting" 0 "" "kept segments dropped" -- sms --state tq --tpdu "${tp[1]}"

# ---- issue 16: the tool polished ----------------------------------------------------------------

# options: --name=value, "--", unknown options and surplus arguments
t "--name=value is --name value" 0 "^1234517887\$" "" -- mac --sec=USERPINMAC --pin=12345 op_body.wbxml
cp op_body.wbxml ./-dash.wbxml
t "-- ends the options: a file named -dash.wbxml" 0 "^1234517887\$" "" -- mac --sec USERPINMAC --pin 12345 -- -dash.wbxml
t "-h after -- is a file name, not help" 66 "" "cannot open -h" -- decode -- -h
t "a flag with =value exits 2" 2 "" "option --pretty takes no value" -- decode --pretty=yes boot.wbxml
t "an option of another command exits 2" 2 "" "omacp policy: unknown option --pin" -- policy --state un --pin 1 list
t "push: a surplus argument exits 2" 2 "" "surplus argument 'extra'" -- push --state un boot.pdu extra
t "process: a surplus argument exits 2" 2 "" "surplus argument 'b.xml'" -- process --state un --source boot mgr.xml b.xml
t "mac: a surplus argument exits 2" 2 "" "surplus argument 'x'" -- mac --sec USERPINMAC --pin 12345 op_body.wbxml x
t "--version: a surplus argument exits 2" 2 "" "surplus argument 'x'" -- --version x
t "device init: a surplus argument exits 2" 2 "" "surplus argument 'x'" -- device init --state sx x

# every write checked: exit 74 with the reason
"$TOOL" decode boot.wbxml >/dev/full 2>"$W/err"; rc=$?
check "decode >/dev/full exits 74 with the reason" 74 "" "cannot write standard output: No space left on device"
one_line "decode >/dev/full: the reason once"
"$TOOL" --help >/dev/full 2>"$W/err"; rc=$?
check "--help >/dev/full exits 74" 74 "" "No space left on device"
"$TOOL" policy --state un list >/dev/full 2>"$W/err"; rc=$?
check "policy list >/dev/full exits 74" 74 "" "No space left on device"
"$TOOL" pdu --hex --sec USERPIN --pin 0000 v_body.wbxml >/dev/full 2>"$W/err"; rc=$?
check "pdu --hex >/dev/full exits 74" 74 "" "No space left on device"
t "encode -o /dev/full exits 74" 74 "" "cannot write /dev/full: No space left on device" -- encode -o /dev/full boot.xml
t "encode -o into a missing directory exits 73" 73 "" "cannot create" -- encode -o nodir/x.wbxml boot.xml
"$TOOL" verify --sec NETWPIN --mac "$NETW_MAC" --imsi $VEC_IMSI netw_body.wbxml >"$W/out" 2>/dev/full; rc=$?
check "verify 2>/dev/full exits 74" 74

# the small defects
run decode trunc.wbxml
truth "an offset is printed once" test "$(grep -o 'offset 16\|byte 16' "$W/err" | wc -l)" = 1
t "IMSIs are numbered from 1 in errors too" 2 "" "IMSI 2 ('123')" -- verify --sec 0 --mac "$NETW_MAC" --imsi $VEC_IMSI --imsi 123 netw_body.wbxml
t "verify USERPINMAC needs no --mac" 0 "" "authentic (USERPINMAC)" -- verify --sec USERPINMAC --pin 1234517887 op_body.wbxml
t "mac NETWPIN with --pin is refused" 2 "" "NETWPIN takes no --pin" -- mac --sec NETWPIN --imsi $VEC_IMSI --pin 1 netw_body.wbxml
t "verify --sec NETWPIN with --pin is refused" 2 "" "NETWPIN takes no --pin" -- verify --sec NETWPIN --mac "$NETW_MAC" --imsi $VEC_IMSI --pin 1 netw_body.wbxml
t "pdu NETWPIN with --pin is refused" 2 "" "NETWPIN takes no --pin" -- pdu --sec NETWPIN --imsi $VEC_IMSI --pin 1 v_body.wbxml
t "verify --pdu of a NETWPIN message: --pin ignored with a warning" 0 "" "warning: --pin ignored" -- verify --pdu --imsi $VEC_IMSI --pin 1 v_netwpin.pdu
t "policy get: an unknown id is not found (1)" 1 "" "unknown policy 9999" -- policy --state un get 9999
mkdir adir
t "decode DIR gives the system's reason" 66 "" "cannot read adir: Is a directory" -- decode adir
t "corrupt device: init" 0 "" "" -- device init --state bad
printf 'garbage\n' >bad/device
t "corrupt device file: exit 74, the line and a recovery hint" 74 "" "line 1 'garbage' is not understood" -- policy --state bad list
grep -q "device init --state bad again" "$W/err" && ok "corrupt device file: the hint names device init" || bad "corrupt device file: the hint names device init" "$(why)"
: >bad/device
t "empty device file: exit 74, not a branded device" 74 "" "no profile= line" -- push --state bad boot.pdu
printf 'profile=unbranded\ntier=two\nimsi=12X\n' >bad/device
t "device file with a bad IMSI: exit 74" 74 "" "line 3 'imsi=12X'" -- device show --state bad

# roles with names
t "process: roles with names" 0 "" "applied: roles=0x8 MANAGER\$" -- process --state p1 --source api-privileged mgr.xml

# device show
t "device show" 0 "^profile: unbranded\$" "" -- device show --state un
truth "device show: tier" grep -q "^tier: two\$" "$W/out"
truth "device show: IMSIs masked and numbered from 1" grep -q "^IMSIs (masked): 2: 1 26201\*\*\*\*\*\*\*\*10, 2 31015\*\*\*\*\*\*\*\*89\$" "$W/out"
truth "device show: CSP types" grep -q "^CSP types: BOOTSTRAP Metabase PXLOGICAL SecurityPolicy NAPDEF" "$W/out"
truth "device show: the TPS" grep -q "^TPS: $TPS\$" "$W/out"
truth "device show: policies" grep -q "^policies: [0-9]*, [0-9]* changed from the defaults\$" "$W/out"
truth "device show: the bootstrap's trusted push gateway" grep -q "^push gateway 1: $GATEWAY, trusted, push enabled\$" "$W/out"
t "device show --json: the gateways" 0 "\"gateways\": \[{\"address\": \"$GATEWAY\", \"trusted\": true, \"push_enabled\": true}\]" "" -- device show --state un --json
"$TOOL" device init --state sx2 >/dev/null 2>&1
t "device show: a new device has no TPS" 0 "^TPS: none (not bootstrapped)\$" "" -- device show --state sx2
truth "device show: and no push gateway" grep -q "^push gateways: none\$" "$W/out"
t "device show: extra CSP types" 0 "CM_GPRSEntries" "" -- device show --state wm

# --json: valid JSON from every command that prints a verdict, a policy or a list
json_ok() {
    if python3 -m json.tool "$W/out" >/dev/null 2>&1 && grep -q -e "$2" "$W/out"; then
        ok "$1"
    else
        bad "$1" "not JSON or lacks '$2': $(head -c 240 "$W/out")"
    fi
}
if command -v python3 >/dev/null 2>&1; then
    run verify --json --sec NETWPIN --mac "$NETW_MAC" --imsi $VEC_IMSI netw_body.wbxml
    json_ok "verify --json: authentic" '"authentic": true, "sec": "NETWPIN", "imsi": 1'
    run verify --json --sec USERPINMAC --pin 1234517888 op_body.wbxml
    json_ok "verify --json: not authentic (exit 1)" '"authentic": false'
    "$TOOL" device init --state js --profile unbranded --imsi $IMSI >/dev/null 2>&1
    run push --json --state js --pin $PIN boot.pdu
    json_ok "push --json: applied, roles with names, the output document" '"outcome": "applied".*"roles_names": "0x1014 ANY_PUSH_SOURCE|OPERATOR|USER_AUTH".*"output": "<wap-provisioningdoc'
    run push --json --state js --pin $PIN boot.pdu
    json_ok "push --json: refused (second bootstrap)" '"outcome": "refused"'
    run process --json --state js --source api-privileged mgr.xml
    json_ok "process --json" '"outcome": "applied".*"roles_names": "0x8 MANAGER"'
    run policy --json --state js get 4143
    json_ok "policy get --json" '"id": 4143.*"is_mask": true.*"value_names"'
    run policy --json --state js list
    json_ok "policy list --json" '"policies": \[{"id": '
    run spc --json --state p1 list
    json_ok "spc list --json" '"signers": \[{"sha1": "'
    run device show --json --state js
    json_ok "device show --json" '"profile": "unbranded".*"imsis_masked": \["26201\*\*\*\*\*\*\*\*10"\].*"tps": "'
    "$TOOL" device init --state js2 --profile unbranded --imsi $IMSI >/dev/null 2>&1
    run sms --json --state js2 --pin $PIN --tpdu "${tp[1]}"
    json_ok "sms --json: waiting" '"outcome": "waiting"'
else
    echo "skip --json checks: no python3"
fi

# ---- the man page's examples, run as written ----------------------------------------------------

mkdir man_ex && cp boot.xml man_ex/bootstrap.xml
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE ALSO/p' "$MAN" | sed -n '/^\.nf/,/^\.fi/p' |
    sed -e '/^\.nf/d' -e '/^\.fi/d' -e 's/\\-/-/g' >man_ex/examples.sh
truth "man page: examples found" test "$(wc -l <man_ex/examples.sh)" -ge 8
while IFS= read -r line; do
    (cd man_ex && omacp() { "$TOOL" "$@"; } && eval "$line") >"$W/out" 2>"$W/err"
    rc=$?
    check "man page example: $line" 0
done <man_ex/examples.sh
truth "man page example: the SMS bootstrap applied" grep -q "applied: SEC=USERNETWPIN" "$W/err"

# ---- .cpf files made and signed by the deployed tools ----------------------------------------------

if [ -z "${CP_NO_CPF:-}" ] && sh "$SRC_DIR/test/cpf_fixtures.sh" cpfx >cpfx.log 2>&1; then
    t "cpf: device init" 0 "" "" -- device init --state cpf
    t "cpf: unsigned .cpf gets policy 4101 (USER_AUTH): a MANAGER document refused" 1 "" \
        "cpf: unsigned, roles=0x10" -- process --state cpf --source cpf cpfx/unsigned.cab
    t "cpf: spc add --cert of the root with MANAGER" 0 "" "" \
        -- spc --state cpf add --cert cpfx/root.pem 8
    t "cpf: spc list shows the subject" 0 "libomacp Test Root" "" -- spc --state cpf list
    t "cpf: signed by a known signer: applied with MANAGER" 0 'value="cpf-test"' "known signer .*roles=0x8" \
        -- process --state cpf --source cpf cpfx/signed.cab
    t "cpf: an unknown signer gets 4101: refused" 1 "" "unknown signer .*roles=0x10" \
        -- process --state cpf --source cpf cpfx/unknown.cab
    head -c 200 cpfx/signed.cab >cpfx/flip.cab
    printf 'X' >>cpfx/flip.cab
    tail -c +202 cpfx/signed.cab >>cpfx/flip.cab
    t "cpf: a byte changed in the signed range: refused" 1 "" "digest differs" \
        -- process --state cpf --source cpf cpfx/flip.cab
    t "cpf: two members: a clear error" 65 "" "holds 2 members" \
        -- process --state cpf --source cpf cpfx/signed_two.cab
else
    echo "skip .cpf tool tests: $(tail -1 cpfx.log 2>/dev/null || echo 'NO_CPF build')"
fi

echo "tool: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
