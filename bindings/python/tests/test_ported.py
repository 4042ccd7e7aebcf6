"""The cases of the former examples/python/test_omacp.py, on the package API.

Expected values come from the shared vectors (test/vectors/*.json, or the
directory in CP_VECTORS), from the public headers (constants are read out
of include/omacp/*.h and compared), and from the policy and role rules of
the C tests (test/test_csp.c).

SPDX-License-Identifier: MIT
"""

import ctypes
import os
import re
import tempfile
import unittest

import omacp
from omacp import _native

from conftest import INCLUDE, vector

MGR = 0x0008
UA = 0x0010
IMSI = "466923103145252"
NETWPIN_BODY = bytes.fromhex("030B6A004501")
NETWPIN_MAC = "1AF545FE2823DC9347064450F90FF1BBF957E146"


def pdu(ident):
    for p in vector("wsp_push_pdus.json")["pdus"]:
        if p["id"] == ident:
            return bytes.fromhex(p["pdu_hex"]), p["expected"]
    raise KeyError(ident)


def doc(body):
    return "<wap-provisioningdoc>" + body + "</wap-provisioningdoc>"


def sp(body):
    return doc('<characteristic type="SecurityPolicy">' + body +
               "</characteristic>")


DOC_VECTORS = ["doc_minimal_empty.json", "doc_provcont_appc_example.json",
               "doc_cht_operator_codepage.json", "doc_nowsms_strtbl.json"]

NAPDEF = ('<characteristic type="NAPDEF">'
          '<parm name="NAPID" value="INTERNET"/>'
          '<parm name="NAME" value="Internet"/>'
          '<parm name="BEARER" value="GSM-GPRS"/>'
          '<parm name="NAP-ADDRESS" value="internet.example"/>'
          '<parm name="NAP-ADDRTYPE" value="APN"/></characteristic>')


class Base(unittest.TestCase):
    def assertStatus(self, cm, status):
        self.assertEqual(cm.exception.status, status, str(cm.exception))

    def device(self, **kw):
        ctx = omacp.Context(**kw)
        self.addCleanup(ctx.close)
        ctx.register_builtins()
        return ctx


class TestConstants(Base):
    """The constants the binding mirrors equal the headers' values."""

    def read(self, header, pattern):
        with open(os.path.join(INCLUDE, header), encoding="utf-8") as f:
            return {m.group(1): int(m.group(2), 0)
                    for m in re.finditer(pattern, f.read())}

    def test_status_codes(self):
        codes = self.read("common.h", r"\bCP_(E_\w+|OK)\s*=\s*(-?\d+)")
        self.assertGreaterEqual(len(codes), 32)
        self.assertEqual(len(codes), len(omacp.Status))
        for name, value in codes.items():
            member = omacp.Status[name[2:] if name.startswith("E_") else name]
            self.assertEqual(member, value, name)
            self.assertEqual(member.c_name, "CP_" + name)

    def test_roles(self):
        roles = self.read("common.h", r"#define CP_(ROLE_\w+)\s+(0x[0-9A-Fa-f]+)u")
        self.assertGreaterEqual(len(roles), 13)
        for name, value in roles.items():
            self.assertEqual(omacp.Role[name[5:]], value, name)
        self.assertEqual(omacp.Role.MANAGER, 8)
        self.assertEqual(omacp.ROLES_ALL, 0x1FFE)

    def test_policy_ids_and_sources(self):
        ids = self.read("trust.h", r"#define CP_(POLICY_\w+)\s+(\d+)u")
        self.assertGreaterEqual(len(ids), 20)
        self.assertEqual(len(ids), len(omacp.Policy))
        for name, value in ids.items():
            self.assertEqual(omacp.Policy[name[7:]], value, name)
        sources = self.read("trust.h", r"CP_(SOURCE_\w+)\s*=\s*(\d+)")
        self.assertEqual(len(sources), 6)
        for name, value in sources.items():
            self.assertEqual(omacp.Source[name[7:]], value, name)

    def test_other_enums(self):
        for header, pattern, enum, cut in (
                ("common.h", r"CP_(SEC_\w+)\s*=\s*(-?\d+)", omacp.Sec, 4),
                ("push.h", r"CP_(OUTCOME_\w+)\s*=\s*(\d+)", omacp.Outcome, 8),
                ("cpf.h", r"CP_(CPF_[A-Z]+)\s*=\s*(\d+)",
                 omacp.CpfSignature, 4),
                ("doc.h", r"CP_(NODE_[A-Z_]+)\s*=\s*(\d+)", omacp.NodeKind, 5),
                ("doc.h", r"CP_(ATTR_[A-Z_]+)\s*=\s*(\d+)", omacp.Attr, 5),
                ("engine.h", r"CP_(DT_[A-Z_]+)\s*=\s*(\d+)", omacp.Datatype, 3),
                ("bootstrap.h", r"CP_(PPG_[A-Z]+)\s*=\s*(\d+)", omacp.Ppg, 4)):
            values = self.read(header, pattern)
            self.assertEqual(len(values), len(enum), header)
            for name, value in values.items():
                self.assertEqual(enum[name[cut:]], value, name)

    def test_version(self):
        with open(os.path.join(INCLUDE, "common.h"), encoding="utf-8") as f:
            want = re.search(r'CP_VERSION_STRING "([^"]+)"', f.read()).group(1)
        self.assertEqual(omacp.version(), want)


class TestLayoutChecks(Base):
    """The import-time checks reject a mirror that does not match."""

    def test_short_struct_rejected(self):

        class Short(ctypes.Structure):
            _fields_ = _native.CpConfig._fields_[:-1]
        with self.assertRaises(_native.LayoutError):
            _native._check_init_size(Short, _native._config_init, "cp_config")

    def test_long_struct_rejected(self):

        class Long(ctypes.Structure):
            _fields_ = _native.CpPush._fields_ + [("extra", ctypes.c_size_t)]
        with self.assertRaises(_native.LayoutError):
            _native._check_init_size(Long, _native._push_init, "cp_push")

    def test_misplaced_field_rejected(self):
        fields = list(_native.CpPolicyDesc._fields_)
        fields[3] = ("is_mask", ctypes.c_uint8)  # int in C
        fields.append(("pad", ctypes.c_uint64))

        class Wrong(ctypes.Structure):
            _fields_ = fields
        with omacp.Context() as c:
            def call(buf):
                _native._policy_list(c._ctx, 0, buf)
            with self.assertRaises(_native.LayoutError):
                _native._check_written(Wrong, "cp_policy_desc", call)


class TestCodec(Base):
    def test_decode_vectors(self):
        for name in DOC_VECTORS:
            with self.subTest(vector=name):
                v = vector(name)
                data = bytes.fromhex(v["wbxml_hex"])
                self.assertEqual(len(data), v["wbxml_len"])
                self.assertEqual(omacp.decode(data), v["xml"])

    def test_decode_pretty(self):
        v = vector("doc_provcont_appc_example.json")
        pretty = omacp.decode(bytes.fromhex(v["wbxml_hex"]), pretty=True)
        self.assertIn("\n", pretty)
        self.assertEqual(re.sub(r">\s+<", "><", pretty).strip(), v["xml"])
        # the pretty text reads back to the same document
        self.assertEqual(omacp.decode(pretty), v["xml"])
        decl = omacp.decode(NETWPIN_BODY, declaration=True)
        self.assertTrue(decl.startswith('<?xml version="1.0" encoding="UTF-8"?>'))

    def test_encode_round_trip(self):
        for name in DOC_VECTORS:
            xml = vector(name)["xml"]
            for table in (True, False):
                with self.subTest(vector=name, string_table=table):
                    wbxml = omacp.encode(xml, string_table=table)
                    self.assertIsInstance(wbxml, bytes)
                    # WBXML 1.3, public id 0x0B, charset UTF-8 (106 = 0x6A)
                    self.assertEqual(wbxml[:3], b"\x03\x0b\x6a")
                    if not table:  # only PROV names: no string table
                        self.assertEqual(wbxml[3], 0)
                    self.assertEqual(omacp.decode(wbxml), xml)
                    self.assertEqual(omacp.encode(wbxml, table), wbxml)

    def test_string_table_used(self):
        xml = vector("doc_provcont_appc_example.json")["xml"]
        with_table = omacp.encode(xml)
        inline = omacp.encode(xml, string_table=False)
        self.assertNotEqual(with_table[3], 0)
        self.assertLess(len(with_table), len(inline))

    def test_decode_truncated(self):
        with self.assertRaises(omacp.OmacpError) as cm:
            omacp.decode(NETWPIN_BODY[:2])
        self.assertStatus(cm, omacp.Status.TRUNCATED)
        self.assertEqual(cm.exception.offset, 2)
        v = vector("doc_gecko_vendorconfig_truncated.json")
        with self.assertRaises(omacp.OmacpError) as cm:
            omacp.decode(bytes.fromhex(v["wbxml_hex"]))
        self.assertStatus(cm, omacp.Status.TRUNCATED)
        self.assertEqual(cm.exception.name, "CP_E_TRUNCATED")
        self.assertIsNotNone(cm.exception.offset)
        self.assertTrue(cm.exception.strerror)
        self.assertIn("CP_E_TRUNCATED", str(cm.exception))

    def test_xml_error_has_line(self):
        with self.assertRaises(omacp.OmacpError) as cm:
            omacp.decode("<wap-provisioningdoc>\n<characteristic")
        self.assertStatus(cm, omacp.Status.XML)
        self.assertEqual(cm.exception.line, 2)
        self.assertIsNone(cm.exception.offset)

    def test_bad_argument_types(self):
        with self.assertRaises(TypeError):
            omacp.decode(12)


class TestMac(Base):
    def test_netwpin_vector(self):
        v = vector("mac_gecko_netwpin_minimal_doc.json")
        self.assertEqual(v["imsi"], IMSI)
        self.assertEqual(v["mac_hex"], NETWPIN_MAC)
        body = bytes.fromhex(v["body_hex"])
        self.assertEqual(body, NETWPIN_BODY)
        self.assertEqual(omacp.mac(body, "NETWPIN", imsi=IMSI), NETWPIN_MAC)
        self.assertEqual(omacp.mac(body, 0, imsi=IMSI), NETWPIN_MAC)
        self.assertTrue(omacp.verify(body, "NETWPIN", NETWPIN_MAC, [IMSI]))

    def test_lower_case_mac(self):
        self.assertTrue(omacp.verify(NETWPIN_BODY, 0, NETWPIN_MAC.lower(),
                                     [IMSI]))

    def test_flipped_body(self):
        flipped = bytearray(NETWPIN_BODY)
        flipped[-1] ^= 0x01
        self.assertFalse(omacp.verify(bytes(flipped), "NETWPIN", NETWPIN_MAC,
                                      [IMSI]))

    def test_imsi_choice(self):
        other = "123456789012345"
        self.assertFalse(omacp.verify(NETWPIN_BODY, 0, NETWPIN_MAC, [other]))
        self.assertTrue(omacp.verify(NETWPIN_BODY, 0, NETWPIN_MAC,
                                     [other, IMSI]))
        with omacp.Context(imsis=[other, IMSI]) as c:  # the device's IMSIs
            self.assertTrue(c.verify(NETWPIN_BODY, 0, NETWPIN_MAC))

    def test_userpin_vector(self):
        v = vector("mac_gecko_userpin_operator_doc.json")
        body = bytes.fromhex(v["body_hex"])
        self.assertEqual(omacp.mac(body, "USERPIN", pin=v["pin"]), v["mac_hex"])
        self.assertTrue(omacp.verify(body, "userpin", v["mac_hex"],
                                     pin=v["pin"]))
        self.assertFalse(omacp.verify(body, 1, v["mac_hex"], pin="0001"))

    def test_computed_variants(self):
        """Every case of mac_computed_variants.json: a case that should
        verify gives True; one that should not gives False, or raises when
        its input is malformed (a MAC or typed PIN of the wrong length)."""
        ref = bytes.fromhex(vector("mac_gecko_userpin_operator_doc.json")
                            ["body_hex"])
        malformed = {"mac-wrong-length": omacp.Status.BAD_MAC,
                     "userpinmac-odd-length": omacp.Status.BAD_PIN}
        cases = vector("mac_computed_variants.json")["cases"]
        self.assertGreaterEqual(len(cases), 10)
        for case in cases:
            with self.subTest(case=case["id"]):
                body = (bytes.fromhex(case["body_hex"]) if "body_hex" in case
                        else ref)
                sec = case["sec_method"]
                if sec == "USERPINMAC":
                    args = (body, sec, None, (), case["pin_typed"])
                else:
                    mac_text = case.get("mac_hex", case.get("mac_hex_in_header"))
                    args = (body, sec, mac_text,
                            [case["imsi"]] if case.get("imsi") else (),
                            case.get("pin"))
                if case["id"] in malformed:
                    with self.assertRaises(omacp.OmacpError) as cm:
                        omacp.verify(*args)
                    self.assertStatus(cm, malformed[case["id"]])
                    self.assertFalse(case["should_verify"])
                else:
                    self.assertEqual(omacp.verify(*args), case["should_verify"])
                if "mac_for_this_pin" in case:  # what that PIN signs
                    self.assertEqual(omacp.mac(body, sec, pin=case["pin"]),
                                     case["mac_for_this_pin"])

    def test_userpinmac_compute(self):
        body = bytes.fromhex(vector("mac_gecko_userpin_operator_doc.json")
                             ["body_hex"])
        self.assertEqual(omacp.mac(body, "USERPINMAC", pin="12345"),
                         "1234517887")

    def test_malformed_inputs_raise(self):
        cases = [
            (dict(sec=0, mac=NETWPIN_MAC[:-1], imsis=[IMSI]), omacp.Status.BAD_MAC),
            (dict(sec=0, mac=NETWPIN_MAC[:-1] + "G", imsis=[IMSI]),
             omacp.Status.BAD_MAC),
            (dict(sec=7, mac=NETWPIN_MAC, imsis=[IMSI]), omacp.Status.BAD_SEC),
            (dict(sec=-1, mac=NETWPIN_MAC, imsis=[IMSI]), omacp.Status.BAD_SEC),
            (dict(sec=0, mac=NETWPIN_MAC, imsis=["4669231031452"[:5]]),
             omacp.Status.BAD_PIN),
            (dict(sec=0, mac=NETWPIN_MAC, imsis=[]), omacp.Status.BAD_PIN),
            (dict(sec=1, mac=NETWPIN_MAC), omacp.Status.BAD_PIN),
        ]
        for kw, status in cases:
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                with self.assertRaises(omacp.OmacpError) as cm:
                    omacp.verify(NETWPIN_BODY, **kw)
                self.assertStatus(cm, status)
        with self.assertRaises(omacp.OmacpError) as cm:
            omacp.verify(NETWPIN_BODY, "NOSUCH", NETWPIN_MAC, [IMSI])
        self.assertStatus(cm, omacp.Status.BAD_SEC)
        with self.assertRaises(omacp.OmacpError) as cm:
            omacp.mac(NETWPIN_BODY, "NETWPIN")
        self.assertStatus(cm, omacp.Status.BAD_PIN)

    def test_secret_not_in_message(self):
        with self.assertRaises(omacp.OmacpError) as cm:
            omacp.verify(NETWPIN_BODY, 2, NETWPIN_MAC, ["12345"], pin="9876")
        self.assertNotIn("9876", str(cm.exception))


class TestPush(Base):
    def test_verify_pdu_netwpin(self):
        data, want = pdu("push-netwpin")
        self.assertEqual(want["verifies_with_imsi"], IMSI)
        self.assertTrue(omacp.verify_pdu(data, [IMSI]))
        self.assertFalse(omacp.verify_pdu(data, ["123456789012345"]))
        with omacp.Context(imsis=IMSI) as c:
            self.assertTrue(c.verify_pdu(data))

    def test_verify_pdu_userpin(self):
        for ident in ("push-userpin", "push-userpin-extra-headers"):
            with self.subTest(pdu=ident):
                data, want = pdu(ident)
                self.assertTrue(omacp.verify_pdu(data,
                                                 pin=want["verifies_with_pin"]))
                self.assertFalse(omacp.verify_pdu(data, pin="9999"))

    def test_verify_pdu_userpinmac(self):
        data, want = pdu("push-userpinmac-short-length")
        self.assertTrue(omacp.verify_pdu(data, pin=want["verifies_with_typed_pin"]))

    def test_unsigned_pdu_raises(self):
        data, _ = pdu("push-no-sec")
        with self.assertRaises(omacp.OmacpError) as cm:
            omacp.verify_pdu(data, [IMSI])
        self.assertStatus(cm, omacp.Status.BAD_SEC)

    def test_flipped_pdu_body(self):
        data, _ = pdu("push-netwpin")
        bad = data[:-1] + bytes([data[-1] ^ 0x80])
        self.assertFalse(omacp.verify_pdu(bad, [IMSI]))

    def test_truncated_pdu(self):
        data, _ = pdu("push-netwpin")
        for cut in (1, 2, 3, 20):
            with self.subTest(cut=cut):
                with self.assertRaises(omacp.OmacpError) as cm:
                    omacp.verify_pdu(data[:cut], [IMSI])
                self.assertStatus(cm, omacp.Status.TRUNCATED)
                self.assertIsNotNone(cm.exception.offset)

    def test_parse_push_fields(self):
        for p in vector("wsp_push_pdus.json")["pdus"]:
            with self.subTest(pdu=p["id"]):
                data = bytes.fromhex(p["pdu_hex"])
                want = p["expected"]
                got = omacp.parse_push(data)
                self.assertEqual(got.sec,
                                 -1 if want["sec"] is None else want["sec"])
                self.assertEqual(got.mac, want["mac"])
                self.assertEqual(got.body_offset, want["body_offset"])
                self.assertEqual(got.body, data[want["body_offset"]:])
                if "body_len" in want:
                    self.assertEqual(len(got.body), want["body_len"])
                if "content_type" in want:
                    self.assertEqual(got.media_type, want["content_type"])
                if "app_id" in want:
                    self.assertEqual(got.app_id, want["app_id"])
                if "push_flag" in want:
                    self.assertEqual(got.push_flag, want["push_flag"])
                self.assertEqual(got.content, omacp.Content.WBXML)

    def test_verify_bootstrap(self):
        data, _ = pdu("push-netwpin")
        # branded defaults: policy 4141 admits no NETWPIN message
        dev = self.device(imsis=[IMSI])
        v = dev.verify_bootstrap(data)
        self.assertFalse(v.accepted)
        self.assertEqual(v.reason, omacp.Status.REFUSED)
        self.assertIn("4141", v.reason_text)
        # unbranded, 4141 opened to any push source: accepted; NETWPIN adds
        # OPERATOR, and the unbranded grant policy 4119 adds MANAGER
        dev = self.device(profile="unbranded", imsis=["123456789012345", IMSI])
        dev.policy_set(omacp.Policy.OMACP_NETWPIN, omacp.Role.ANY_PUSH_SOURCE)
        v = dev.verify_bootstrap(data)
        self.assertTrue(v.accepted, v.reason_text)
        self.assertEqual(v.sec, omacp.Sec.NETWPIN)
        self.assertEqual(v.origin_roles, omacp.Role.ANY_PUSH_SOURCE)
        self.assertEqual(v.roles,
                         omacp.Role.ANY_PUSH_SOURCE | omacp.Role.OPERATOR)
        self.assertTrue(v.effective_roles & omacp.Role.MANAGER)
        self.assertEqual(v.imsi_index, 1)
        self.assertTrue(v.confirm_due)  # 4132 = 0: ask first
        self.assertFalse(v.is_bootstrap)

    def test_verify_bootstrap_pin_prompt(self):
        data, want = pdu("push-userpin")
        dev = self.device(profile="unbranded")
        dev.policy_set(omacp.Policy.OMACP_USERPIN, omacp.Role.ANY_PUSH_SOURCE)
        v = dev.verify_bootstrap(data)  # no prompt: refused
        self.assertFalse(v.accepted)
        v = dev.verify_bootstrap(data, pins=["1111", want["verifies_with_pin"]])
        self.assertTrue(v.accepted, v.reason_text)
        self.assertEqual(v.pin_failures, 1)
        seen = []

        def ask(sec, attempt, left):
            seen.append((sec, attempt))
            return want["verifies_with_pin"]
        v = dev.verify_bootstrap(data, pins=ask)
        self.assertTrue(v.accepted, v.reason_text)
        self.assertEqual(seen, [(omacp.Sec.USERPIN, 1)])

    def test_verify_bootstrap_pins_exhausted(self):
        data, _ = pdu("push-userpin")
        dev = self.device(profile="unbranded")
        dev.policy_set(omacp.Policy.OMACP_USERPIN, omacp.Role.ANY_PUSH_SOURCE)
        self.assertEqual(dev.policy_get(omacp.Policy.MAX_AUTH_RETRY), 3)
        v = dev.verify_bootstrap(data, pins=lambda s, a, l: "1111")
        self.assertFalse(v.accepted)
        self.assertEqual(v.reason, omacp.Status.PIN_EXHAUSTED)
        self.assertEqual(v.pin_failures, 3)


class TestPolicies(Base):
    def test_get_set_reset(self):
        dev = self.device()
        self.assertEqual(dev.policy_get(4105), 3)
        dev.policy_set(4105, 5)
        self.assertEqual(dev.policy_get(4105), 5)
        dev.policy_reset(4105)
        self.assertEqual(dev.policy_get(4105), 3)

    def test_user_auth_may_not_set_rapi(self):
        dev = self.device()
        self.assertEqual(dev.policy_get(4097), 2)
        with self.assertRaises(omacp.OmacpError) as cm:
            dev.policy_set(4097, 1, roles=UA)
        self.assertStatus(cm, omacp.Status.ACCESS_DENIED)
        with self.assertRaises(omacp.OmacpError) as cm:
            dev.policy_reset(4097, roles=UA)
        self.assertStatus(cm, omacp.Status.ACCESS_DENIED)
        self.assertEqual(dev.policy_get(4097), 2)
        # 4120 too (Manager only, as the 6.5 SecurityPolicy page says)
        with self.assertRaises(omacp.OmacpError) as cm:
            dev.policy_set(4120, UA | 0x80, roles=UA)
        self.assertStatus(cm, omacp.Status.ACCESS_DENIED)
        dev.policy_set(4120, UA | 0x80, roles=MGR)
        self.assertEqual(dev.policy_get(4120), UA | 0x80)

    def test_bad_ids_and_values(self):
        dev = self.device()
        with self.assertRaises(omacp.OmacpError) as cm:
            dev.policy_get(9999)
        self.assertStatus(cm, omacp.Status.NOT_FOUND)
        with self.assertRaises(omacp.OmacpError) as cm:
            dev.policy_set(4105, 257)
        self.assertStatus(cm, omacp.Status.INVALID_ARG)
        self.assertEqual(dev.policy_get(4105), 3)

    def test_list(self):
        dev = self.device()
        dev.policy_set(4105, 6)
        rows = dev.policy_list()
        by_id = {r.id: r for r in rows}
        self.assertEqual(len(by_id), len(rows))
        for name in dir(omacp):
            if name.startswith("POLICY_"):
                self.assertIn(getattr(omacp, name), by_id, name)
        r = by_id[4105]
        self.assertEqual((r.value, r.default, r.is_mask), (6, 3, False))
        for key in ("name", "meaning", "source"):
            self.assertIsInstance(getattr(r, key), str)
            self.assertTrue(getattr(r, key))
        self.assertTrue(by_id[4119].is_mask)
        self.assertEqual(by_id[4119].default, 0x80)  # branded: OPERATOR_TPS
        self.assertEqual(by_id[4120].set_roles, MGR)
        for r in rows:
            self.assertEqual(r.value, dev.policy_get(r.id))


class TestProcess(Base):
    def test_security_policy_query_and_set(self):
        dev = self.device()
        self.assertEqual(
            dev.process(sp('<parm-query name="4097"/><parm-query name="4105"/>'),
                        omacp.Role.MANAGER),
            sp('<parm name="4097" value="2"/><parm name="4105" value="3"/>'))
        out = dev.process(sp('<parm name="4105" value="4"/>'
                             '<parm-query name="4105"/>'), MGR)
        self.assertEqual(out, sp('<parm name="4105" value="4"/>'
                                 '<parm name="4105" value="4"/>'))
        self.assertEqual(dev.policy_get(4105), 4)

    def test_refused_for_normal_app_on_two_tier(self):
        dev = self.device(tier="two")
        self.assertEqual(dev.roles_of("api-normal"), UA)
        with self.assertRaises(omacp.AccessDenied) as cm:
            dev.process(sp('<parm name="4105" value="7"/>'), "api-normal")
        self.assertEqual(cm.exception.status, -27)
        self.assertIn('<parm-error name="4105" value="7"', cm.exception.output)
        self.assertEqual(dev.policy_get(4105), 3)
        # a privileged one may
        out = dev.process(sp('<parm name="4105" value="7"/>'),
                          omacp.Source.API_PRIVILEGED)
        self.assertEqual(out, sp('<parm name="4105" value="7"/>'))

    def test_normal_app_on_one_tier(self):
        dev = self.device(tier="one")
        self.assertEqual(dev.roles_of("api-normal"), MGR)
        dev.process(sp('<parm name="4105" value="7"/>'), "api-normal")
        self.assertEqual(dev.policy_get(4105), 7)

    def test_sources(self):
        dev = self.device()
        self.assertEqual(dev.roles_of("boot"), MGR)
        self.assertEqual(dev.roles_of(omacp.Source.RAPI), UA)  # 4097 = 2
        dev.policy_set(4097, 0)
        with self.assertRaises(omacp.Refused) as cm:
            dev.process(sp('<parm-query name="4105"/>'), "rapi")
        self.assertStatus(cm, omacp.Status.REFUSED)
        with self.assertRaises(ValueError):
            dev.process(sp('<parm-query name="4105"/>'), "nobody")

    def test_metadata(self):
        dev = self.device()
        out = dev.process(sp('<parm name="4105" value="9"/>'), MGR,
                          metadata=True)
        # the parm attributes of the MSPROV DTD (issue 13)
        self.assertIn('datatype="integer" rw-access="3"', out)
        self.assertNotIn('access-roles=', out)
        self.assertEqual(dev.policy_get(4105), 3)  # nothing changed

    def test_unparsable_raises(self):
        dev = self.device()
        with self.assertRaises(omacp.MalformedInput) as cm:
            dev.process("<wap-provisioningdoc><oops", MGR)
        self.assertStatus(cm, omacp.Status.XML)
        self.assertEqual(cm.exception.line, 1)

    def test_wbxml_input(self):
        dev = self.device()
        wbxml = omacp.encode(sp('<parm-query name="4105"/>'))
        self.assertEqual(dev.process(wbxml, MGR),
                         sp('<parm name="4105" value="3"/>'))

    def test_hosted_windows_mobile_csp(self):
        # a Windows Mobile CSP hosted with the settings CSP (issue 13):
        # documented default roles (CM_GPRSEntries: Manager, Operator-TPS,
        # AuthUser), one tree merged level by level
        dev = self.device()
        dev.register_settings("CM_GPRSEntries")
        entry = ('<characteristic type="CM_GPRSEntries"><characteristic '
                 'type="Entries"><characteristic type="Web">%s'
                 '</characteristic></characteristic></characteristic>')
        dev.process(doc(entry % '<parm name="UserName" value="u"/>'), UA)
        dev.process(doc(entry % '<parm name="Enabled" value="1"/>'), UA)
        out = dev.process(doc(entry % '<parm-query name="UserName"/>'), UA)
        self.assertIn('<parm name="UserName" value="u"/>', out)
        with self.assertRaises(omacp.AccessDenied):  # USER_UNAUTH
            dev.process(doc(entry % '<parm name="x" value="1"/>'),
                        omacp.Role.USER_UNAUTH)

    def test_napdef_settings(self):
        dev = self.device()
        dev.register_settings("NAPDEF")
        with self.assertRaises(omacp.AlreadyExists) as cm:
            dev.register_settings("NAPDEF")
        self.assertStatus(cm, omacp.Status.EXISTS)
        self.assertEqual(dev.process(doc('<characteristic-query type="NAPDEF"/>'),
                                     MGR),
                         doc('<nocharacteristic type="NAPDEF"/>'))
        self.assertEqual(dev.process(doc(NAPDEF), MGR), doc(NAPDEF))
        # queried back: exactly the item that was sent
        self.assertEqual(dev.process(doc('<characteristic-query type="NAPDEF"/>'),
                                     MGR), doc(NAPDEF))
        out = dev.process(doc('<characteristic type="NAPDEF">'
                              '<characteristic type="INTERNET">'
                              '<parm-query name="NAME"/></characteristic>'
                              '</characteristic>'), MGR)
        self.assertIn('<parm name="NAME" value="Internet"/>', out)

    def test_unknown_type(self):
        dev = self.device()
        with self.assertRaises(omacp.NotFound) as cm:
            dev.process(doc(NAPDEF), MGR)  # no NAPDEF CSP
        self.assertStatus(cm, omacp.Status.NOT_FOUND)
        self.assertIn("characteristic-error", cm.exception.output)


class TestContext(Base):
    def test_state_dir_persists(self):
        with tempfile.TemporaryDirectory() as tmp:
            with omacp.Context(state_dir=tmp) as a:
                a.register_builtins()
                a.register_settings("NAPDEF")
                a.policy_set(4105, 8)
                self.assertEqual(a.process(doc(NAPDEF), MGR), doc(NAPDEF))
            self.assertTrue(os.listdir(tmp))
            with omacp.Context(state_dir=tmp) as b:
                b.register_builtins()
                b.register_settings("NAPDEF")
                self.assertEqual(b.policy_get(4105), 8)
                self.assertEqual(
                    b.process(doc('<characteristic-query type="NAPDEF"/>'), MGR),
                    doc(NAPDEF))
            with omacp.Context() as fresh:  # memory only: defaults
                self.assertEqual(fresh.policy_get(4105), 3)

    def test_state_dir_missing(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(omacp.OmacpError) as cm:
                omacp.Context(state_dir=os.path.join(tmp, "absent"))
            self.assertStatus(cm, omacp.Status.IO)

    def test_close(self):
        c = omacp.Context()
        self.assertFalse(c.closed)
        c.close()
        c.close()  # idempotent
        self.assertTrue(c.closed)
        with self.assertRaises(ValueError):
            c.policy_get(4105)
        del c

    def test_many_contexts_collected(self):
        for _ in range(200):
            omacp.Context(imsis=[IMSI]).register_builtins()

    def test_bad_options(self):
        with self.assertRaises(ValueError):
            omacp.Context(profile="gold")
        with self.assertRaises(ValueError):
            omacp.Context(tier="three")
        with self.assertRaises(ValueError):
            omacp.Context(imsis=[IMSI] * 5)
        with self.assertRaises(omacp.OmacpError) as cm:
            with omacp.Context(imsis=["12"]) as c:
                c.verify(NETWPIN_BODY, 0, NETWPIN_MAC)
        self.assertStatus(cm, omacp.Status.BAD_PIN)


class TestSend(Base):
    """push_build, sms_split and parse_deliver (omacp/send.h, tpdu.h)."""

    def test_vector_rebuilt(self):
        v = vector("wsp_push_pdus.json")["pdus"][0]
        pdu = bytes.fromhex(v["pdu_hex"])
        with omacp.Context() as c:
            built, digits = c.push_build(pdu[50:], sec="USERPIN", pin="0000")
        self.assertEqual(built, pdu)
        self.assertEqual(digits, "")

    def test_split_deliver_round_trip(self):
        with omacp.Context(imsis=[IMSI]) as c:
            pdu, digits = c.push_build(doc(NAPDEF), sec="USERPINMAC",
                                       pin="12345", text_content_type=True)
            self.assertEqual(len(digits), 10)
            self.assertEqual(c.parse_push(pdu).sec, 3)
            parts = c.sms_split(pdu, ref=5, deliver=True,
                                originator="+4917012345678", smsc="")
            self.assertGreaterEqual(len(parts), 2)
            uds = []
            for t in parts:
                d = c.parse_deliver(t.hex())
                self.assertTrue(d.is_wap_push)
                self.assertTrue(d.has_smsc)
                self.assertEqual(d.originator, "+4917012345678")
                uds.append(d.ud)
            self.assertEqual(uds[0][:12], bytes.fromhex("0B05040B840B8400030502"
                                                         "01"))
            self.assertEqual(b"".join(u[12:] for u in uds), pdu)

    def test_text_sms_handed_back(self):
        with omacp.Context() as c:
            d = c.parse_deliver("07917283010010F5040BC87238880900F100009930925"
                                "16195800AE8329BFD4697D9EC37")
            self.assertFalse(d.is_wap_push)
            self.assertEqual(d.smsc, "+27381000015")
            with self.assertRaises(omacp.OmacpError) as cm:
                c.parse_deliver("0002", smsc=omacp.TpduSmsc.PRESENT)
            self.assertStatus(cm, omacp.Status.UNSUPPORTED)
