"""Tests of what the package adds: the error convention, callbacks,
argument types, the push pipeline, SMS, SPC store, metabase, builder,
.cpf and the library lookup.

SPDX-License-Identifier: MIT
"""

import os
import subprocess
import sys

import pytest

import omacp
from omacp import Role, Sec, Status, _native

from conftest import HERE

IMSI = "466923103145252"
NETWPIN_BODY = bytes.fromhex("030B6A004501")


def doc(body):
    return "<wap-provisioningdoc>" + body + "</wap-provisioningdoc>"


NAPDEF = doc('<characteristic type="NAPDEF">'
             '<parm name="NAPID" value="INTERNET"/>'
             '<parm name="NAP-ADDRESS" value="internet.example"/>'
             '</characteristic>')
RAPI_SET = doc('<characteristic type="SecurityPolicy">'
               '<parm name="4097" value="1"/></characteristic>')


@pytest.fixture
def dev():
    with omacp.Context(profile="unbranded", imsis=[IMSI]) as c:
        c.register_builtins()
        c.register_settings("NAPDEF")
        yield c


# ---- the error convention ---------------------------------------------------


def test_every_status_has_a_subclass():
    for status in Status:
        if status == Status.OK:
            assert status not in omacp.STATUS_CLASSES
            continue
        cls = omacp.STATUS_CLASSES[status]
        assert issubclass(cls, omacp.OmacpError)
        assert cls is not omacp.OmacpError, status
        exc = omacp.error_for(status, "detail")
        assert type(exc) is cls
        assert exc.status is status
        assert exc.name == status.c_name
        assert status.c_name in str(exc) and "detail" in str(exc)
        assert exc.strerror and exc.output is None


@pytest.mark.parametrize("status,cls", [
    (Status.ACCESS_DENIED, omacp.AccessDenied),
    (Status.REFUSED, omacp.Refused),
    (Status.TRUNCATED, omacp.MalformedInput),
    (Status.XML, omacp.MalformedInput),
    (Status.LIMIT, omacp.LimitExceeded),
    (Status.BUSY, omacp.Busy),
    (Status.STORAGE, omacp.StorageError),
    (Status.BAD_PIN, omacp.AuthenticationError),
    (Status.PIN_EXHAUSTED, omacp.PinExhausted),
    (Status.UNSUPPORTED, omacp.Unsupported),
    (Status.NOT_FOUND, omacp.NotFound),
])
def test_status_classes(status, cls):
    assert isinstance(omacp.error_for(status), cls)


def test_unknown_status_is_the_base_class():
    exc = omacp.error_for(-99)
    assert type(exc) is omacp.OmacpError and exc.name == "CP_E_?-99"


def test_process_raises_with_output(dev):
    with pytest.raises(omacp.AccessDenied) as ei:
        dev.process(RAPI_SET, omacp.Role.USER_AUTH)
    exc = ei.value
    assert exc.status == Status.ACCESS_DENIED
    assert exc.output and "parm-error" in exc.output
    assert exc.result is None
    assert dev.policy_get(omacp.Policy.RAPI) == 2


def test_process_malformed_has_position(dev):
    with pytest.raises(omacp.MalformedInput) as ei:
        dev.process("<wap-provisioningdoc>\n <characteristic", Role.MANAGER)
    assert ei.value.line == 2 and ei.value.column is not None


def test_decode_error_offset():
    with pytest.raises(omacp.MalformedInput) as ei:
        omacp.decode(NETWPIN_BODY[:2])
    assert ei.value.status == Status.TRUNCATED and ei.value.offset == 2


def test_trim_keeps_documents_working():
    c = omacp.Context()
    first = c.decode(NETWPIN_BODY)
    node = c.parse(NETWPIN_BODY)
    c.trim()
    assert c.decode(NETWPIN_BODY) == first
    c.trim()
    assert c.parse(NETWPIN_BODY) == node
    c.close()
    c.trim()  # closed: nothing to do


# ---- argument types -----------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: omacp.mac(NETWPIN_BODY, "USERPIN", pin=1234),
    lambda: omacp.verify(NETWPIN_BODY, "USERPIN", "0" * 40, pin=1234),
    lambda: omacp.verify(NETWPIN_BODY, 0, "0" * 40, imsis=[466923103145252]),
    lambda: omacp.mac(NETWPIN_BODY, 0.0, imsi=IMSI),
    lambda: omacp.mac(NETWPIN_BODY, True, imsi=IMSI),
    lambda: omacp.decode(12),
    lambda: omacp.decode(None),
    lambda: omacp.parse_push("0106"),
    lambda: omacp.build("<wap-provisioningdoc/>"),
    lambda: omacp.Context(imsis=[466923103145252]),
    lambda: omacp.Context(tier=2.0),
])
def test_type_errors(call):
    with pytest.raises(TypeError):
        call()


def test_context_type_errors(dev):
    for call in (lambda: dev.process(NAPDEF, 8.0),
                 lambda: dev.process(NAPDEF, None),
                 lambda: dev.policy_set(4105, "5"),
                 lambda: dev.policy_get("4105"),
                 lambda: dev.register_settings(b"NAPDEF"),
                 lambda: dev.spc_add(12, Role.MANAGER),
                 lambda: dev.spc_add("00" * 20, "MANAGER"),
                 lambda: dev.meta_set("NAPDEF", {"rw": 3}),
                 lambda: dev.push_build(NAPDEF, tid="1"),
                 lambda: dev.verify_bootstrap(b"\x01\x06", pins="1234"),
                 lambda: dev.verify_bootstrap(b"\x01\x06", pins=[1234]),
                 lambda: dev.push_process(b"\x01\x06", audit=42),
                 lambda: omacp.Sms(dev).add("+1", "ud"),
                 lambda: dev.push_process_sms(object(), "+1", b"")):
        with pytest.raises(TypeError):
            call()


# ---- callbacks: exceptions come back after the C call ------------------------


def userpin_push(dev, pin="1234"):
    pdu, _ = dev.push_build(NAPDEF, sec="USERPIN", pin=pin)
    dev.policy_set(omacp.Policy.OMACP_USERPIN, Role.ANY_PUSH_SOURCE)
    return pdu


class Boom(Exception):
    pass


def test_pin_callback_exception_reraised(dev):
    pdu = userpin_push(dev)

    def ask(sec, attempt, left):
        raise Boom("user went away")
    with pytest.raises(Boom):
        dev.verify_bootstrap(pdu, pins=ask)
    with pytest.raises(Boom):
        dev.push_process(pdu, pins=ask)
    # nothing was applied
    assert "nocharacteristic" in dev.process(
        doc('<characteristic-query type="NAPDEF"/>'), Role.MANAGER)


def test_pin_callback_non_string_is_a_type_error(dev):
    pdu = userpin_push(dev)
    with pytest.raises(TypeError):
        dev.verify_bootstrap(pdu, pins=lambda s, a, l: 1234)
    v = dev.verify_bootstrap(pdu, pins=lambda s, a, l: "1234")
    assert v.accepted and v.sec is Sec.USERPIN


def test_audit_and_confirm_exceptions_reraised(dev):
    pdu = userpin_push(dev)

    def audit(record):
        raise Boom("audit log full")
    with pytest.raises(Boom):
        dev.push_process(pdu, pins=["1234"], audit=audit)
    net, _ = dev.push_build(NAPDEF, sec="NETWPIN", imsi=IMSI)
    dev.policy_set(omacp.Policy.OMACP_NETWPIN, Role.ANY_PUSH_SOURCE)

    def confirm(verdict):
        raise Boom("no screen")
    with pytest.raises(Boom):
        dev.push_process(net, confirm=confirm)


# ---- the push pipeline ---------------------------------------------------------


def test_push_process_applied_with_audit(dev):
    pdu = userpin_push(dev)
    records = []
    res = dev.push_process(pdu, pins=["0000", "1234"], audit=records.append,
                           now=lambda: 1700000000)
    assert isinstance(res, omacp.PushResult)
    assert res.status is Status.OK and res.outcome is omacp.Outcome.APPLIED
    assert res.verdict.accepted and res.verdict.pin_failures == 1
    assert Role.USER_AUTH in res.verdict.roles
    assert res.output == NAPDEF
    assert len(records) == 1
    rec = records[0]
    assert isinstance(rec, omacp.AuditRecord)
    assert rec.time == 1700000000 and rec.outcome is omacp.Outcome.APPLIED
    assert rec.sec is Sec.USERPIN and rec.status is Status.OK


def test_push_process_refused_raises_with_result():
    with omacp.Context() as dev:  # branded: 4110 refuses unsigned pushes
        dev.register_builtins()
        pdu, _ = dev.push_build(NAPDEF)
        seen = []
        with pytest.raises(omacp.Refused) as ei:
            dev.push_process(pdu, audit=seen.append)
        res = ei.value.result
        assert isinstance(res, omacp.PushResult)
        assert res.outcome is omacp.Outcome.REFUSED
        assert not res.verdict.accepted
        assert seen[0].outcome is omacp.Outcome.REFUSED


def test_push_process_confirm(dev):
    net, _ = dev.push_build(NAPDEF, sec="NETWPIN", imsi=IMSI)
    dev.policy_set(omacp.Policy.OMACP_NETWPIN, Role.ANY_PUSH_SOURCE)
    asked = []
    with pytest.raises(omacp.OmacpError):
        dev.push_process(net, confirm=lambda v: asked.append(v) or False)
    assert asked and asked[0].confirm_due
    res = dev.push_process(net, confirm=lambda v: True)
    assert res.outcome is omacp.Outcome.APPLIED


def test_push_process_sms_and_reassembly(dev):
    pdu = userpin_push(dev)
    parts = dev.sms_split(pdu + b"", ref=7)
    assert len(parts) >= 1
    big, _ = dev.push_build(doc(''.join(
        '<characteristic type="NAPDEF"><parm name="NAPID" value="N%d"/>'
        '<parm name="NAME" value="%s"/></characteristic>' % (i, "x" * 40)
        for i in range(4))), sec="USERPIN", pin="1234",
        string_table=False)
    parts = dev.sms_split(big, ref=9)
    assert len(parts) >= 2
    with omacp.Sms(dev) as sms:
        for part in parts[:-1]:
            res = dev.push_process_sms(sms, "+491701234", part, pins=["1234"])
            assert res.pending and res.output is None
        assert sms.pending == 1
        res = dev.push_process_sms(sms, "+491701234", parts[-1],
                                   pins=["1234"])
        assert not res.pending and res.outcome is omacp.Outcome.APPLIED
        assert sms.pending == 0


def test_sms_add_save_restore(dev):
    pdu, _ = dev.push_build(doc('<characteristic type="NAPDEF">%s'
                                '</characteristic>' % (
                                    '<parm name="NAME" value="%s"/>'
                                    % ("y" * 200))), string_table=False)
    parts = dev.sms_split(pdu, ref=3)
    assert len(parts) >= 2
    with omacp.Sms(dev, max_segments=16) as a:
        assert a.add("+1", parts[0], now=10) is None
        block = a.save()
    with omacp.Sms(dev) as b:
        b.restore(block, now=11)
        assert b.pending == 1
        for part in parts[1:-1]:
            assert b.add("+1", part, now=12) is None
        assert b.add("+1", parts[-1], now=12) == pdu
        with pytest.raises(omacp.Corrupt):
            b.restore(b"junk", now=12)
    with pytest.raises(ValueError):
        b.pending


def test_parse_deliver_dataclass(dev):
    pdu, _ = dev.push_build(NAPDEF)
    tpdus = dev.sms_split(pdu, deliver=True, originator="+4917012345678")
    d = omacp.parse_deliver(tpdus[0], smsc=omacp.TpduSmsc.ABSENT)
    assert isinstance(d, omacp.SmsDeliver)
    assert d.is_wap_push and d.dst_port == 2948 and not d.has_smsc
    assert d.originator == "+4917012345678"


# ---- SPC store, metabase, policies, roles -------------------------------------


def test_spc_store(dev):
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert dev.spc_list() == []
    dev.spc_add(sha, Role.MANAGER | Role.OPERATOR)
    dev.spc_add(bytes(range(20)), Role.USER_AUTH)
    entries = dev.spc_list()
    assert len(entries) == 2
    e = dev.spc_get(0)
    assert isinstance(e, omacp.SpcEntry)
    assert e.sha1 == bytes.fromhex(sha) and e.roles == Role.MANAGER | Role.OPERATOR
    assert e.cert_len == 0 and e.subject == ""
    assert dev.roles_of(omacp.Source.CPF, signer_sha1=sha) & Role.MANAGER
    dev.spc_remove(sha)
    with pytest.raises(omacp.NotFound):
        dev.spc_remove(sha)
    with pytest.raises(omacp.NotFound):
        dev.spc_get(1)
    with pytest.raises(ValueError):
        dev.spc_add("abcd", Role.MANAGER)
    # a NO_CPF build has no certificate parser
    with pytest.raises(omacp.MalformedInput if has_cpf(dev)
                       else omacp.Unsupported):
        dev.spc_add_cert(b"not DER", Role.MANAGER)


def test_metabase(dev):
    meta = omacp.Meta(access_roles=Role.MANAGER | Role.USER_AUTH, rw=3,
                      datatype=omacp.Datatype.INTEGER, min=1, max=9)
    dev.meta_set("NAPDEF/INTERNET/MTU", meta)
    got = dev.meta_get("napdef/internet/mtu")
    assert got.exact and got.datatype is omacp.Datatype.INTEGER
    assert (got.min, got.max) == (1, 9)
    assert got.access_roles == Role.MANAGER | Role.USER_AUTH
    below = dev.meta_get("NAPDEF/INTERNET/MTU/X")
    assert not below.exact
    dev.meta_remove("NAPDEF/INTERNET/MTU")
    with pytest.raises(omacp.NotFound):
        dev.meta_remove("NAPDEF/INTERNET/MTU")


def test_policies_are_dataclasses(dev):
    rows = dev.policy_list()
    assert all(isinstance(r, omacp.PolicyDesc) for r in rows)
    assert {r.id for r in rows} >= set(omacp.Policy)
    assert omacp.roles_for_sec(Sec.NETWPIN) == Role.OPERATOR
    assert dev.roles_effective(Role.OPERATOR_TPS) & Role.MANAGER
    assert dev.tps() is None


# ---- the builder ------------------------------------------------------------------


def test_build_and_parse_round_trip():
    N, A = omacp.NodeKind, omacp.Attr
    tree = omacp.Node(N.DOC, {A.VERSION: "1.0"}, [
        omacp.Node(N.CHARACTERISTIC, {A.TYPE: "NAPDEF"}, [
            omacp.Node(N.PARM, {A.NAME: "NAPID", A.VALUE: "INTERNET"})])])
    xml = omacp.build(tree)
    assert xml == ('<wap-provisioningdoc version="1.0"><characteristic '
                   'type="NAPDEF"><parm name="NAPID" value="INTERNET"/>'
                   '</characteristic></wap-provisioningdoc>')
    assert omacp.parse(xml) == tree
    wbxml = omacp.build(tree, wbxml=True)
    assert isinstance(wbxml, bytes) and omacp.decode(wbxml) == xml
    assert omacp.parse(wbxml).find(N.PARM, name="NAPID").attrs[A.VALUE] \
        == "INTERNET"
    with pytest.raises(ValueError):
        omacp.build(omacp.Node(N.PARM))
    with pytest.raises(omacp.OmacpError):
        omacp.build(omacp.Node(N.DOC, children=[omacp.Node(N.DOC)]))


# ---- .cpf -----------------------------------------------------------------------


def has_cpf(dev):
    """False in a NO_CPF build (symbol absent, or present and saying
    CP_E_UNSUPPORTED)."""
    try:
        dev.process_cpf(b"")
    except omacp.Unsupported:
        return False
    except omacp.OmacpError:
        pass
    return True


def test_cpf_garbage_raises(dev):
    if not has_cpf(dev):
        with pytest.raises(omacp.Unsupported):
            dev.process_cpf(b"MSCF\0\0\0\0garbage")
        return
    seen = []
    with pytest.raises(omacp.OmacpError) as ei:
        dev.process_cpf(b"MSCF\0\0\0\0garbage", audit=seen.append)
    assert isinstance(ei.value.result, omacp.CpfVerdict)
    assert ei.value.result.outcome in (omacp.Outcome.MALFORMED,
                                       omacp.Outcome.REFUSED)


def test_cpf_absent_symbol_is_unsupported(dev, monkeypatch):
    monkeypatch.setattr(_native, "_process_cpf_ex", None)
    with pytest.raises(omacp.Unsupported) as ei:
        dev.process_cpf(b"MSCF")
    assert ei.value.status is Status.UNSUPPORTED


# ---- library lookup -------------------------------------------------------------


def run_import(env):
    code = "import omacp, sys; sys.stdout.write(omacp.library_path)"
    full = dict(os.environ)
    full.pop("OMACP_LIBRARY", None)
    full.update(env)
    full["PYTHONPATH"] = os.path.dirname(HERE)
    return subprocess.run([sys.executable, "-c", code], env=full,
                          capture_output=True, text=True, check=False)


def test_lookup_env_var_wins():
    r = run_import({"OMACP_LIBRARY": "/nonexistent/libomacp.so.0"})
    assert r.returncode != 0
    assert "OMACP_LIBRARY" in r.stderr and "/nonexistent" in r.stderr


def test_lookup_pkg_config(tmp_path):
    if _native.shutil.which("pkg-config") is None:
        pytest.skip("pkg-config is not installed")
    libdir = os.path.dirname(os.path.realpath(omacp.library_path))
    (tmp_path / "omacp.pc").write_text(
        "libdir=%s\nName: omacp\nDescription: test\nVersion: 0.2.0\n"
        "Libs: -L${libdir} -lomacp\n" % libdir)
    r = run_import({"PKG_CONFIG_PATH": str(tmp_path),
                    "PKG_CONFIG_LIBDIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert os.path.dirname(r.stdout) == libdir


def test_cpf_unsigned_cabinet(dev, tmp_path):
    if not has_cpf(dev):
        pytest.skip("NO_CPF build")
    gcab = _native.shutil.which("gcab")
    if gcab is None:
        pytest.skip("gcab is not installed (make deps installs it)")
    (tmp_path / "_setup.xml").write_text(doc(
        '<characteristic type="SecurityPolicy"><parm-query name="4105"/>'
        '</characteristic>'))
    subprocess.run([gcab, "-c", "-z", "t.cab", "_setup.xml"], cwd=tmp_path,
                   check=True)
    cab = (tmp_path / "t.cab").read_bytes()
    seen = []
    # unsigned: the roles of policy 4101 (USER_AUTH by default)
    with pytest.raises(omacp.AccessDenied) as ei:
        dev.process_cpf(cab, audit=seen.append)
    res = ei.value.result
    assert res.signature is omacp.CpfSignature.UNSIGNED
    assert res.roles == Role.USER_AUTH and "parm-query-error" in res.output
    assert ei.value.output == res.output
    assert seen and seen[0].status is Status.ACCESS_DENIED
    dev.policy_set(omacp.Policy.UNSIGNED_CABS, Role.MANAGER)
    res = dev.process_cpf(cab)
    assert res.outcome is omacp.Outcome.APPLIED
    assert '<parm name="4105" value="3"/>' in res.output


def test_gateways(dev):
    # the push gateways a PXLOGICAL/PXPHYSICAL provisions (cp_gateway_list)
    assert dev.gateways() == []

    dev.process(doc('<characteristic type="PXLOGICAL">'
                    '<parm name="PROXY-ID" value="PPG"/><parm name="TRUST"/>'
                    '<parm name="PUSHENABLED" value="1"/>'
                    '<characteristic type="PXPHYSICAL">'
                    '<parm name="PXADDR" value="+4917012345678"/>'
                    '</characteristic></characteristic>'), Role.MANAGER)
    assert dev.gateways() == [omacp.GatewayInfo("+4917012345678", True, True)]
