#!/usr/bin/env bash
# make-test-certs.sh DIR — the certificates of the TLS tests, made fresh with the `openssl`
# command (nothing secret is committed). Idempotent: DIR is emptied first. EC P-256 keys (fast).
#
#   ca.pem / other-ca.pem          two CAs: the one the tests trust, and one they do not
#   server.pem                     CN=localhost, SAN DNS:localhost, IP:127.0.0.1, by ca
#   server-expired.pem             the same names, by ca, expired
#   server-other-ca.pem            the same names, by other-ca (an unknown CA)
#   server-wrong-name.pem          SAN DNS:smsc.example.net only, by ca
#   client.pem                     CN=esme-e2e, clientAuth, by ca
#   client-other-ca.pem            CN=esme-e2e, clientAuth, by other-ca (the SMSC does not trust it)
#   (each leaf has its key in <name>.key)
#
#   trust.p12              ca only (single mode)                       file password file-pw-1
#   client.p12             client key + client.pem + ca                file password file-pw-1
#   client-other-ca.p12    client-other-ca key + cert + ca             file password file-pw-1
#   client-pw2.p12         like client.p12                             file password file-pw-2
#   client-nopass.p12      client key + client.pem + ca                no password
#   legacy.p12             like client.p12 in the pre-OpenSSL-3 format (RC2-40 / 3DES, SHA-1 MAC)
#   server-*.chain.pem     leaf + CA, for servers that want one file
set -euo pipefail
dir=${1:?usage: make-test-certs.sh DIR}
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

ca() {  # ca NAME CN
  key "$1"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 -set_serial 1 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$1.pem" 2>/dev/null
}

serial=100
leaf() {  # leaf NAME CN ISSUER DAYS SAN EKU
  local name=$1 cn=$2 issuer=$3 days=$4 san=$5 eku=$6
  key "$name"
  openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=%s\n%s\n' \
    "$eku" "${san:+subjectAltName=$san}" >"$name.ext"
  serial=$((serial + 1))
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -set_serial "$serial" \
    -days "$days" -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  cat "$name.pem" "$issuer.pem" >"$name.chain.pem"
  rm -f "$name.csr" "$name.ext"
}

ca ca "smsdrv test CA"
ca other-ca "smsdrv other CA"
server_names="DNS:localhost,IP:127.0.0.1"
leaf server localhost ca 30 "$server_names" serverAuth
leaf server-expired localhost ca -1 "$server_names" serverAuth
leaf server-other-ca localhost other-ca 30 "$server_names" serverAuth
leaf server-wrong-name smsc.example.net ca 30 "DNS:smsc.example.net" serverAuth
leaf client esme-e2e ca 30 "" clientAuth
leaf client-other-ca esme-e2e other-ca 30 "" clientAuth

openssl pkcs12 -export -nokeys -in ca.pem -name "smsdrv test CA" -out trust.p12 \
  -passout pass:file-pw-1
openssl pkcs12 -export -inkey client.key -in client.pem -certfile ca.pem -name esme-e2e \
  -out client.p12 -passout pass:file-pw-1
openssl pkcs12 -export -inkey client-other-ca.key -in client-other-ca.pem -certfile ca.pem \
  -name esme-e2e -out client-other-ca.p12 -passout pass:file-pw-1
openssl pkcs12 -export -inkey client.key -in client.pem -certfile ca.pem -name esme-e2e \
  -out client-pw2.p12 -passout pass:file-pw-2
openssl pkcs12 -export -inkey client.key -in client.pem -certfile ca.pem -name esme-e2e \
  -out client-nopass.p12 -passout pass: -keypbe NONE -certpbe NONE -nomac
openssl pkcs12 -export -legacy -inkey client.key -in client.pem -certfile ca.pem -name esme-e2e \
  -out legacy.p12 -passout pass:file-pw-1
echo "test certificates in $dir"
