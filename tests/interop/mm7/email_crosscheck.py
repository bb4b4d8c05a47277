#!/usr/bin/env python3
"""Decodes the SubmitReq bodies written by mm7-crosscheck-cases with Python's standard email
package, and compares every part with what the driver was given, byte for byte.

Checks, for each case: the HTTP Content-Type is multipart/related with type text/xml and a start
naming the first part; that part is the SOAP envelope (parsed with xml.etree) whose SubmitReq
Content href names the second part; the second part is multipart/related (start = the SMIL) or
multipart/mixed; its parts are, in order, the given parts with their Content-Type, Content-ID,
Content-Location and bytes.

usage: email_crosscheck.py DIR CASE...
"""
import email
import email.policy
import sys
import xml.etree.ElementTree as ET

SOAP_ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"


def fail(case, message):
    print(f"{case}: {message}")
    sys.exit(1)


def strip_id(value):
    value = (value or "").strip()
    return value[1:-1] if value.startswith("<") and value.endswith(">") else value


def check(directory, case):
    with open(f"{directory}/{case}.content_type", "rb") as f:
        content_type = f.read()
    with open(f"{directory}/{case}.body", "rb") as f:
        body = f.read()
    expected = []
    with open(f"{directory}/{case}.parts", "r", encoding="utf-8") as f:
        for line in f.read().splitlines():
            ctype, cid, location, name = line.split("\t")
            with open(f"{directory}/{name}", "rb") as pf:
                expected.append((ctype, cid, location, pf.read()))

    message = email.message_from_bytes(b"Content-Type: " + content_type + b"\r\n\r\n" + body,
                                       policy=email.policy.compat32)
    if message.defects:
        fail(case, f"defects in the outer entity: {message.defects}")
    if message.get_content_type() != "multipart/related":
        fail(case, f"outer type {message.get_content_type()}")
    if message.get_param("type") != "text/xml":
        fail(case, f"outer type parameter {message.get_param('type')}")
    outer = message.get_payload()
    if len(outer) != 2:
        fail(case, f"{len(outer)} outer parts, expected the envelope and the content")
    soap, content = outer
    if strip_id(message.get_param("start")) != strip_id(soap["Content-ID"]):
        fail(case, "start does not name the first part")
    if soap.get_content_type() != "text/xml":
        fail(case, f"envelope part is {soap.get_content_type()}")

    root = ET.fromstring(soap.get_payload(decode=True))
    if root.tag != SOAP_ENV + "Envelope":
        fail(case, f"root element {root.tag}")
    submit = root.find(f"{SOAP_ENV}Body/*")
    if submit is None or not submit.tag.endswith("}SubmitReq"):
        fail(case, "no SubmitReq in the Body")
    ns = submit.tag[: submit.tag.index("}") + 1]
    header_id = root.find(f"{SOAP_ENV}Header/{ns}TransactionID")
    if header_id is None or header_id.text != case:
        fail(case, "TransactionID missing or wrong")
    if submit.find(f"{ns}Subject").text != "Grüße & <Tschüss>":
        fail(case, "Subject did not survive")
    href = submit.find(f"{ns}Content").get("href")
    if not href.startswith("cid:") or href[4:] != strip_id(content["Content-ID"]):
        fail(case, f"Content href {href} does not name the content part")

    has_smil = expected[0][0].startswith("application/smil")
    wanted = "multipart/related" if has_smil else "multipart/mixed"
    if content.get_content_type() != wanted:
        fail(case, f"content is {content.get_content_type()}, expected {wanted}")
    if has_smil and strip_id(content.get_param("start")) != expected[0][1]:
        fail(case, "the content's start does not name the SMIL")
    parts = content.get_payload()
    if len(parts) != len(expected):
        fail(case, f"{len(parts)} parts decoded, {len(expected)} given")
    for i, (part, (ctype, cid, location, data)) in enumerate(zip(parts, expected)):
        if part.defects:
            fail(case, f"part {i}: defects {part.defects}")
        if part["Content-Type"] != ctype:
            fail(case, f"part {i}: Content-Type {part['Content-Type']!r}, given {ctype!r}")
        if strip_id(part["Content-ID"]) != cid:
            fail(case, f"part {i}: Content-ID {part['Content-ID']!r}, given {cid!r}")
        if part["Content-Location"] != location:
            fail(case, f"part {i}: Content-Location {part['Content-Location']!r}")
        decoded = part.get_payload(decode=True)
        if decoded != data:
            at = next((k for k in range(min(len(decoded), len(data))) if decoded[k] != data[k]),
                      min(len(decoded), len(data)))
            fail(case, f"part {i} ({ctype}): {len(decoded)} bytes decoded, {len(data)} given, "
                       f"first difference at byte {at}")
    print(f"{case}: {len(expected)} parts identical")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    for case in sys.argv[2:]:
        check(sys.argv[1], case)


main()
