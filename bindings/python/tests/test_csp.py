"""CSPs written in Python: omacp.Csp and Context.register_csp.

SPDX-License-Identifier: MIT
"""

import gc

import pytest

import omacp
from omacp import NodeKind, Role, Source, Status

DOC = "<wap-provisioningdoc>%s</wap-provisioningdoc>"


def ring(body):
    return DOC % ('<characteristic type="Ringtone">%s</characteristic>' % body)


class Ringtone(omacp.Csp):
    """examples/csp_example.c: two settings, external transactioning."""

    def __init__(self):
        self.values = {"VOLUME": "5", "FILE": "classic.mid"}
        self.calls = []
        self.roles = []

    def parm(self, path, name, value, cookie):
        self.calls.append(("parm", path, name, value))
        self.roles.append(self.session.roles)
        if name not in self.values or value is None:
            raise omacp.MalformedInput("no setting %s" % name)
        if value == "boom":
            raise RuntimeError("the ringtone store is on fire")
        self.values[name] = value

    def noparm(self, path, name, cookie):
        self.calls.append(("noparm", path, name))
        if not self.values.get(name):
            raise omacp.NotFound("%s is not set" % name)
        self.values[name] = ""

    def parm_query(self, path, name, cookie):
        self.calls.append(("parm_query", path, name))
        return self.values.get(name) or None


class TxRingtone(Ringtone):
    """The same with internal transactioning: it keeps its own undo."""

    def __init__(self):
        super().__init__()
        self.saved = None
        self.events = []

    def begin(self):
        self.events.append("begin")
        self.saved = dict(self.values)

    def commit(self):
        self.events.append("commit")
        self.saved = None

    def rollback(self):
        self.events.append("rollback")
        self.values = self.saved

    def characteristic_query(self, path, recursive, cookie):
        self.events.append(("query", path, recursive))
        return ("Ringtone", [(k, v) for k, v in sorted(self.values.items())
                             if v] + [("ALARM", [("FILE", "alarm.mid")])])


@pytest.fixture
def dev():
    with omacp.Context(tier="two") as ctx:
        ctx.register_builtins()
        m = omacp.Meta(access_roles=Role.MANAGER | Role.USER_AUTH)
        ctx.meta_set("Ringtone", m)
        yield ctx


def test_query_set_and_session_roles(dev):
    rt = Ringtone()
    dev.register_csp("Ringtone", rt)
    out = dev.process(ring('<parm-query name="VOLUME"/>'), Source.API_NORMAL)
    assert '<parm name="VOLUME" value="5"/>' in out
    dev.process(ring('<parm name="VOLUME" value="7"/>'), Source.API_NORMAL)
    assert rt.values["VOLUME"] == "7"
    # the engine asked for the old value first (external transactioning)
    assert rt.calls[-2:] == [("parm_query", "Ringtone", "VOLUME"),
                             ("parm", "Ringtone", "VOLUME", "7")]
    assert rt.roles == [dev.roles_effective(dev.roles_of(Source.API_NORMAL))]
    assert rt.session is None


class Vault(omacp.Csp):
    """Refuses every write when applied (not in the pre-pass)."""

    def parm(self, path, name, value, cookie):
        raise omacp.AccessDenied("the vault is sealed")

    def parm_query(self, path, name, cookie):
        return None


MIXED = DOC % ('<characteristic type="Ringtone">'
               '<parm name="FILE" value="loud.mid"/>'
               '<parm name="VOLUME" value="9"/>'
               '</characteristic>'
               '<characteristic type="Vault">'
               '<parm name="KEY" value="1"/></characteristic>')


def test_mixed_document_rolled_back(dev):
    rt = Ringtone()
    dev.register_csp("Ringtone", rt)
    dev.register_csp("Vault", Vault())
    with pytest.raises(omacp.AccessDenied) as exc:
        dev.process(MIXED, Role.MANAGER)
    assert "the vault is sealed" in exc.value.output
    assert rt.values == {"VOLUME": "5", "FILE": "classic.mid"}
    # applied, then put back in reverse order through parm
    assert ("parm", "Ringtone", "FILE", "loud.mid") in rt.calls
    assert rt.calls[-2:] == [("parm", "Ringtone", "VOLUME", "5"),
                             ("parm", "Ringtone", "FILE", "classic.mid")]


def test_refused_in_the_prepass(dev):
    """csp_example.c's mixed document: SecurityPolicy needs MANAGER, so
    the engine refuses it before any CSP runs."""
    rt = Ringtone()
    dev.register_csp("Ringtone", rt)
    with pytest.raises(omacp.AccessDenied) as exc:
        dev.process(DOC % ('<characteristic type="Ringtone">'
                           '<parm name="FILE" value="loud.mid"/>'
                           '</characteristic>'
                           '<characteristic type="SecurityPolicy">'
                           '<parm name="4097" value="1"/></characteristic>'),
                    Source.API_NORMAL)
    assert "parm-error" in exc.value.output
    assert rt.values == {"VOLUME": "5", "FILE": "classic.mid"}


def test_status_from_python_error(dev):
    rt = Ringtone()
    dev.register_csp("Ringtone", rt)
    with pytest.raises(omacp.MalformedInput) as exc:
        dev.process(ring('<parm name="VOLUME" value="1"/>'
                         '<parm name="TEMPO" value="2"/>'), Role.MANAGER)
    assert exc.value.status == Status.BAD_DOC
    assert "no setting TEMPO" in exc.value.output  # the desc
    assert rt.values["VOLUME"] == "5"


def test_noparm_not_found(dev):
    rt = Ringtone()
    dev.register_csp("Ringtone", rt)
    dev.process(ring('<noparm name="FILE"/>'), Role.MANAGER)
    assert rt.values["FILE"] == ""
    with pytest.raises(omacp.NotFound) as exc:
        dev.process(ring('<noparm name="FILE"/>'), Role.MANAGER)
    assert "noparm-error" in exc.value.output
    out = dev.process(ring('<parm-query name="FILE"/>'), Role.MANAGER)
    assert '<noparm name="FILE"/>' in out


def test_exception_reraised_after_rollback(dev):
    rt = Ringtone()
    dev.register_csp("Ringtone", rt)
    with pytest.raises(RuntimeError, match="on fire"):
        dev.process(ring('<parm name="VOLUME" value="3"/>'
                         '<parm name="FILE" value="boom"/>'), Role.MANAGER)
    assert rt.values == {"VOLUME": "5", "FILE": "classic.mid"}
    # nothing left pending: the next call is clean
    dev.process(ring('<parm name="VOLUME" value="4"/>'), Role.MANAGER)
    assert rt.values["VOLUME"] == "4"


def test_internal_tx(dev):
    rt = TxRingtone()
    dev.register_csp("Ringtone", rt, internal_tx=True)
    dev.process(ring('<parm name="VOLUME" value="8"/>'), Role.MANAGER)
    assert rt.events == ["begin", "commit"]
    assert [c[0] for c in rt.calls] == ["parm"]  # no undo queries
    rt.calls.clear()
    rt.events.clear()
    dev.register_csp("Vault", Vault())
    with pytest.raises(omacp.AccessDenied):
        dev.process(MIXED, Role.MANAGER)
    assert rt.events == ["begin", "rollback"]
    assert [c[0] for c in rt.calls] == ["parm", "parm"]
    assert rt.values == {"VOLUME": "8", "FILE": "classic.mid"}
    rt.events.clear()
    with pytest.raises(RuntimeError):
        dev.process(ring('<parm name="VOLUME" value="2"/>'
                         '<parm name="FILE" value="boom"/>'), Role.MANAGER)
    assert rt.events == ["begin", "rollback"]
    assert rt.values["VOLUME"] == "8"


def test_characteristic_query(dev):
    rt = TxRingtone()
    dev.register_csp("Ringtone", rt, internal_tx=True)
    out = dev.process(DOC % '<characteristic-query type="Ringtone"/>',
                      Role.MANAGER)
    tree = omacp.parse(out)
    top = tree.find(NodeKind.CHARACTERISTIC, type="Ringtone")
    assert top is not None
    assert top.find(NodeKind.PARM, name="VOLUME").attrs[
        omacp.Attr.VALUE] == "5"
    alarm = top.find(NodeKind.CHARACTERISTIC, type="ALARM")
    assert alarm.find(NodeKind.PARM, name="FILE") is not None
    assert ("query", "Ringtone", True) in rt.events


def test_characteristic_query_node_and_list(dev):
    class NodeCsp(omacp.Csp):
        def characteristic_query(self, path, recursive, cookie):
            if path != "Gadget":
                return None
            return omacp.Node(NodeKind.CHARACTERISTIC,
                              {omacp.Attr.TYPE: "Gadget"},
                              [omacp.Node(NodeKind.PARM,
                                          {omacp.Attr.NAME: "MODE",
                                           omacp.Attr.VALUE: "on"})])

    class ListCsp(omacp.Csp):
        def characteristic_query(self, path, recursive, cookie):
            return [("LEVEL", "3"), ("EMPTY", None)]

    dev.register_csp("Gadget", NodeCsp())
    dev.register_csp("Dial", ListCsp())
    out = dev.process(DOC % ('<characteristic-query type="Gadget"/>'
                             '<characteristic-query type="Dial"/>'),
                      Role.MANAGER)
    assert '<parm name="MODE" value="on"/>' in out
    assert '<characteristic type="Dial"><parm name="LEVEL" value="3"/>' \
        in out

    class BadCsp(omacp.Csp):
        def characteristic_query(self, path, recursive, cookie):
            return 42

    dev.register_csp("Bad", BadCsp())
    with pytest.raises(TypeError):
        dev.process(DOC % '<characteristic-query type="Bad"/>', Role.MANAGER)


def test_cookies(dev):
    seen = []

    class Tree(omacp.Csp):
        def char_enter(self, path, type_name, parent_cookie):
            seen.append(("enter", path, parent_cookie))
            return {"level": path.count("/"), "path": path}

        def char_leave(self, path, type_name, cookie):
            seen.append(("leave", path, cookie["path"]))

        def parm(self, path, name, value, cookie):
            seen.append(("parm", name, cookie["path"]))

        def parm_query(self, path, name, cookie):
            return None

        def noparm(self, path, name, cookie):
            raise omacp.NotFound()

    reg_csp = Tree()
    dev.register_csp("Tree", reg_csp)
    dev.process(DOC % ('<characteristic type="Tree"><parm name="A" value="1"/>'
                       '<characteristic type="SUB"><parm name="B" value="2"/>'
                       '</characteristic></characteristic>'), Role.MANAGER)
    assert seen[0] == ("enter", "Tree", None)
    assert ("parm", "A", "Tree") in seen
    assert ("enter", "Tree/SUB", {"level": 0, "path": "Tree"}) in seen
    assert ("parm", "B", "Tree/SUB") in seen
    assert ("leave", "Tree/SUB", "Tree/SUB") in seen
    assert dev._csps["tree"].cookies == {}  # released after the call


def test_unsupported_when_not_overridden(dev):
    class ReadOnly(omacp.Csp):
        def parm_query(self, path, name, cookie):
            return "1" if name == "ON" else None

    dev.register_csp("ReadOnly", ReadOnly())
    assert omacp.csp.overridden(ReadOnly()) == ["parm_query"]
    out = dev.process(DOC % ('<characteristic type="ReadOnly">'
                             '<parm-query name="ON"/></characteristic>'),
                      Role.MANAGER)
    assert '<parm name="ON" value="1"/>' in out
    with pytest.raises(omacp.Unsupported) as exc:
        dev.process(DOC % ('<characteristic type="ReadOnly">'
                           '<parm name="ON" value="0"/></characteristic>'),
                    Role.MANAGER)
    assert "parm-error" in exc.value.output
    with pytest.raises(omacp.Unsupported):
        dev.process(DOC % '<characteristic-query type="ReadOnly"/>',
                    Role.MANAGER)


def test_session_only_inside_handler(dev):
    kept = []

    class Peek(omacp.Csp):
        def parm_query(self, path, name, cookie):
            kept.append(self.session)
            assert not self.session.metadata
            return "%d" % self.session.flags

    dev.register_csp("Peek", Peek())
    out = dev.process(DOC % ('<characteristic type="Peek">'
                             '<parm-query name="X"/></characteristic>'),
                      Role.MANAGER)
    assert '<parm name="X" value="1"/>' in out
    with pytest.raises(ValueError):
        kept[0].roles


def test_error_description(dev):
    class Picky(omacp.Csp):
        def parm(self, path, name, value, cookie):
            raise omacp.AccessDenied()

        def parm_query(self, path, name, cookie):
            return None

        def error_description(self):
            return "locked by the vendor"

    dev.register_csp("Picky", Picky())
    with pytest.raises(omacp.AccessDenied) as exc:
        dev.process(DOC % ('<characteristic type="Picky">'
                           '<parm name="A" value="1"/></characteristic>'),
                    Role.MANAGER)
    assert "locked by the vendor" in exc.value.output


def test_register_and_unregister(dev):
    rt = Ringtone()
    dev.register_csp("Ringtone", rt)
    with pytest.raises(omacp.AlreadyExists):
        dev.register_csp("RINGTONE", Ringtone())
    with pytest.raises(TypeError):
        dev.register_csp("Other", object())
    reg = dev._csps["ringtone"]
    dev.unregister_csp("ringtone")
    assert reg.keep == [] and "ringtone" not in dev._csps
    with pytest.raises(omacp.NotFound):
        dev.unregister_csp("Ringtone")
    with pytest.raises(omacp.NotFound):
        dev.process(ring('<parm name="VOLUME" value="7"/>'), Role.MANAGER)
    gc.collect()
    dev.register_csp("Ringtone", rt)
    dev.process(ring('<parm name="VOLUME" value="6"/>'), Role.MANAGER)
    assert rt.values["VOLUME"] == "6"


def test_close_releases(dev):
    dev.register_csp("Ringtone", Ringtone())
    reg = dev._csps["ringtone"]
    dev.close()
    assert reg.keep == [] and dev._csps == {}


def test_raise_with_default_status():
    assert omacp.NotFound("gone").status == Status.NOT_FOUND
    assert omacp.NotFound("gone").message == "gone"
    assert omacp.MalformedInput("bad").status == Status.BAD_DOC
    with pytest.raises(TypeError):
        omacp.OmacpError("no status")


def test_nocharacteristic(dev):
    class Lists(omacp.Csp):
        def __init__(self):
            self.items = {"A": {"X": "1"}}

        def nocharacteristic(self, path, type_name, cookie):
            if type_name not in self.items:
                raise omacp.NotFound("no %s" % type_name)
            del self.items[type_name]

        def characteristic_query(self, path, recursive, cookie):
            name = path.rsplit("/", 1)[-1]
            if path == "Lists":
                return [(k, []) for k in self.items]
            if name not in self.items:
                return None
            return (name, sorted(self.items[name].items()))

    lists = Lists()
    dev.register_csp("Lists", lists, internal_tx=True)
    dev.process(DOC % ('<characteristic type="Lists">'
                       '<nocharacteristic type="A"/></characteristic>'),
                Role.MANAGER)
    assert lists.items == {}
    with pytest.raises(omacp.NotFound):
        dev.process(DOC % ('<characteristic type="Lists">'
                           '<nocharacteristic type="B"/></characteristic>'),
                    Role.MANAGER)


def test_readme_example():
    class Ringtone2(omacp.Csp):
        def __init__(self):
            self.values = {"VOLUME": "5", "FILE": "classic.mid"}

        def parm(self, path, name, value, cookie):
            if name not in self.values or value is None:
                raise omacp.MalformedInput("no setting %s" % name)
            self.values[name] = value

        def parm_query(self, path, name, cookie):
            return self.values.get(name)

    rt = Ringtone2()
    with omacp.Context() as dev:
        dev.register_csp("Ringtone", rt)
        dev.process('<wap-provisioningdoc><characteristic type="Ringtone">'
                    '<parm name="VOLUME" value="7"/></characteristic>'
                    '</wap-provisioningdoc>', omacp.Role.MANAGER)
    assert rt.values["VOLUME"] == "7"
