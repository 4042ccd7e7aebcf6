#!/bin/sh
# cpf_fixtures.sh OUTDIR - the .cpf test files, made with the deployed
# tools: openssl (test certificates), gcab (cabinets), osslsigncode
# (Authenticode). Used by test/test_cpf.c; exits 77 when a tool is absent
# (make deps installs them).
set -eu
out=$1
for t in openssl gcab osslsigncode; do
  command -v "$t" >/dev/null 2>&1 || { echo "cpf_fixtures: $t not installed"; exit 77; }
done
mkdir -p "$out"
cd "$out"
q() { "$@" >/dev/null 2>&1 || { echo "cpf_fixtures: failed: $*"; "$@"; exit 1; }; }

# ---- certificates: a root, a code-signing signer under it, an unknown
# self-signed signer, and an expired signer under the root
cat > ext.cnf <<'X'
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[sign_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
[ca]
default_ca = tca
[tca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = pol
copy_extensions = none
unique_subject = no
[pol]
commonName = supplied
X
: > index.txt
echo 1000 > serial
q openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
  -subj "/CN=libomacp Test Root" -config ext.cnf -extensions ca_ext
q openssl req -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr -subj "/CN=libomacp Test Signer"
q openssl x509 -req -in signer.csr -CA root.pem -CAkey root.key -CAcreateserial \
  -out signer.pem -days 3650 -extfile ext.cnf -extensions sign_ext
q openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 3650 \
  -subj "/CN=Unknown Signer" -config ext.cnf -extensions sign_ext
q openssl req -newkey rsa:2048 -nodes -keyout old.key -out old.csr -subj "/CN=Expired Signer"
q openssl ca -batch -config ext.cnf -in old.csr -out old.pem -cert root.pem -keyfile root.key \
  -startdate 20200101000000Z -enddate 20210101000000Z -extfile ext.cnf -extensions sign_ext -notext
openssl x509 -in root.pem -outform DER -out root.der
openssl x509 -in signer.pem -outform DER -out signer.der

# ---- documents: one that needs MANAGER (BOOTSTRAP NAME), one other
mkdir -p a b c two big evil
printf '<wap-provisioningdoc><characteristic type="BOOTSTRAP"><parm name="NAME" value="cpf-test"/></characteristic></wap-provisioningdoc>' > a/_setup.xml
printf '<wap-provisioningdoc><characteristic type="BOOTSTRAP"><parm name="NAME" value="other-doc"/></characteristic></wap-provisioningdoc>' > b/_SETUP.XML
cp a/_setup.xml two/_setup.xml
cp a/_setup.xml two/extra.xml
cp a/_setup.xml evil/ZZZ_setup.xml
# 64 KiB of blanks inside the document: small compressed, large expanded
{ printf '<wap-provisioningdoc>'; head -c 65536 /dev/zero | tr '\0' ' '; printf '</wap-provisioningdoc>'; } > big/_setup.xml

(cd a && q gcab -c -z ../unsigned.cab _setup.xml)
(cd a && q gcab -c ../stored.cab _setup.xml)
(cd b && q gcab -c -z ../unsigned_b.cab _SETUP.XML)
(cd two && q gcab -c -z ../two.cab _setup.xml extra.xml)
(cd big && q gcab -c -z ../big.cab _setup.xml)
(cd evil && q gcab -c ../evil.cab ZZZ_setup.xml)
# the member name becomes ../_setup.xml (names are outside the data checksums)
sed 's|ZZZ_setup\.xml|../_setup.xml|' evil.cab > dotdot.cab

sign() { # key cert in out [digest]
  q osslsigncode sign -key "$1" -certs "$2" -h "${5:-sha256}" -in "$3" -out "$4"
}
# signer's chain: the signer certificate and the root
cat signer.pem root.pem > chain.pem
sign signer.key chain.pem unsigned.cab signed.cab
sign signer.key chain.pem unsigned.cab signed_sha1.cab sha1
sign signer.key chain.pem stored.cab signed_stored.cab
sign signer.key chain.pem unsigned_b.cab signed_b.cab
sign signer.key chain.pem two.cab signed_two.cab
sign other.key other.pem unsigned.cab unknown.cab
cat old.pem root.pem > oldchain.pem
sign old.key oldchain.pem unsigned.cab expired.cab
echo "cpf_fixtures: made in $out"
