"""Context, Sms and the module-level helpers.

SPDX-License-Identifier: MIT
"""

import ctypes
import os
from typing import (Any, Callable, Dict, Iterable, List, Optional,
                    Sequence, Tuple, Union)

from . import _native as N
from .csp import Csp, _Registration, check_csp
from .enums import (Attr, Content, CpfSignature, NodeKind, Outcome, Policy,
                    Ppg, Profile, Role, Sec, Source, Status, Tier, TpduSmsc)
from .errors import OmacpError, error_for
from .records import (AuditRecord, CpfVerdict, Meta, Node, PolicyDesc, Push,
                      PushResult, SmsDeliver, SpcEntry, Verdict,
                      GatewayInfo)

Bytes = Union[bytes, bytearray, memoryview]
Data = Union[str, bytes, bytearray, memoryview]
Roles = Union[int, Role, str, Source]
PinSource = Union[None, Sequence[str], Callable[[Sec, int, int],
                                                 Optional[str]]]

_vp, _sz, _P = ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER
_PIN_MAX = 64
_PINMAC_MAX = 20
_MAC_HEX = 40
_SOURCE_NAMES = {"api-privileged": Source.API_PRIVILEGED,
                 "api-normal": Source.API_NORMAL, "rapi": Source.RAPI,
                 "cpf": Source.CPF, "boot": Source.BOOT, "ui": Source.UI}

# ---- argument checks: wrong types raise TypeError ---------------------------


def _as_bytes(data: Any, what: str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError("%s must be bytes or str, not %s"
                    % (what, type(data).__name__))


def _only_bytes(data: Any, what: str) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError("%s must be bytes, not %s" % (what, type(data).__name__))


def _opt_text(value: Any, what: str) -> Optional[bytes]:
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise TypeError("%s must be str or None, not %s"
                    % (what, type(value).__name__))


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be int, not %s" % (what, type(value).__name__))
    return int(value)


def _sec(sec: Any) -> int:
    if isinstance(sec, bool):
        raise TypeError("sec must be a Sec, a method name or a number")
    if isinstance(sec, int):
        return int(sec)
    if isinstance(sec, str):
        key = sec.strip().upper()
        if key in ("NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC"):
            return int(Sec[key])
        if key.isdigit():
            return int(key)
        raise error_for(Status.BAD_SEC, "unknown SEC method %r" % sec)
    raise TypeError("sec must be a Sec, a method name or a number, not %s"
                    % type(sec).__name__)


def _sha1(value: Any) -> bytes:
    if isinstance(value, str):
        try:
            value = bytes.fromhex(value.replace(":", ""))
        except ValueError:
            raise ValueError("sha1 must be 40 hex digits") from None
    raw = _only_bytes(value, "sha1")
    if len(raw) != 20:
        raise ValueError("sha1 must be 20 octets (40 hex digits)")
    return raw


def _imsi_array(imsis: Any) -> Tuple[Any, int]:
    if imsis is None:
        imsis = ()
    if isinstance(imsis, (str, bytes)):
        imsis = (imsis,)
    items = [_opt_text(i, "IMSI") for i in imsis]
    arr = (ctypes.c_char_p * max(1, len(items)))(*items)
    return arr, len(items)


def _text(raw: Any) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


def _enum(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


def _verdict(v: Any) -> Verdict:
    return Verdict(
        accepted=bool(v.accepted), reason=_enum(Status, v.reason),
        reason_text=_text(v.reason_text), sec=_enum(Sec, v.sec),
        origin_roles=Role(v.origin_roles), roles=Role(v.roles),
        effective_roles=Role(v.effective_roles),
        imsi_index=None if v.imsi_index == N.NO_OFFSET else v.imsi_index,
        confirm_due=bool(v.confirm_due), is_bootstrap=bool(v.is_bootstrap),
        pin_failures=v.pin_failures)


class _Trap:
    """Keeps the first exception raised inside a Python callback; the C
    call gets an error status, and the exception is re-raised once the C
    call has returned (raise_pending)."""

    def __init__(self) -> None:
        self.exc: Optional[BaseException] = None

    def catch(self, exc: BaseException) -> None:
        if self.exc is None:
            self.exc = exc

    def raise_pending(self) -> None:
        exc, self.exc = self.exc, None
        if exc is not None:
            raise exc


def _pin_prompt(pins: PinSource, trap: _Trap) -> Any:
    if pins is None:
        return N._PIN_PROMPT_FN()  # NULL: PIN-signed messages are refused
    if callable(pins):
        ask = pins
    elif isinstance(pins, (str, bytes)):
        raise TypeError("pins must be a list of str or a callable, not %s"
                        % type(pins).__name__)
    else:
        queue = list(pins)
        for p in queue:
            if not isinstance(p, str):
                raise TypeError("a PIN must be str, not %s"
                                % type(p).__name__)

        def ask(sec: Sec, attempt: int, left: int) -> Optional[str]:
            return queue.pop(0) if queue else None

    def prompt(user: Any, sec: int, attempt: int, left: int, pin: Any,
               cap: int) -> int:
        try:
            answer = ask(_enum(Sec, sec), attempt, left)
            if answer is None:
                return Status.NOT_FOUND
            if not isinstance(answer, str):
                raise TypeError("the PIN callback must return str or None, "
                                "not %s" % type(answer).__name__)
            data = answer.encode("utf-8")
            if len(data) >= cap or b"\0" in data:
                return Status.BAD_PIN
            ctypes.memmove(pin, data + b"\0", len(data) + 1)
            return Status.OK
        except BaseException as exc:  # must not cross into C
            trap.catch(exc)
            return Status.INTERNAL

    return N._PIN_PROMPT_FN(prompt)


def _gateway(ppg: Union[Ppg, str, int], address: Optional[str]) -> Any:
    gw = N.CpGateway()
    N._gateway_init(ctypes.byref(gw))
    if isinstance(ppg, str):
        try:
            ppg = Ppg[ppg.upper()]
        except KeyError:
            raise ValueError("ppg must be 'any', 'known' or 'trusted'") \
                from None
    gw.ppg = _int(ppg, "ppg")
    gw.address = _opt_text(address, "address")
    return gw


# ---- the context -------------------------------------------------------------


class Context:
    """A libomacp context (cp_ctx): one device. Not thread-safe: use one
    per thread. Use as a context manager or call close().

    profile: Profile or "branded"/"unbranded"; tier: Tier or "two"/"one";
    imsis: the device's IMSIs (at most 4); state_dir: a writable directory
    keeping the device state (else memory only); strict: check the
    ProvCont rules before processing.
    """

    def __init__(self, profile: Union[Profile, str] = Profile.BRANDED,
                 tier: Union[Tier, str] = Tier.TWO,
                 imsis: Union[str, Iterable[str]] = (),
                 state_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
                 strict: bool = False) -> None:
        self._ctx: Any = None
        self._storage: Any = None
        self._csps: Dict[str, _Registration] = {}
        self._csp_trap = _Trap()
        self._lib_free = N._ctx_free  # kept for close() at shutdown
        self._lib_store_close = N._store_file_close
        profile_v = self._choice(Profile, profile, "profile")
        tier_v = self._choice(Tier, tier, "tier")
        if isinstance(imsis, (str, bytes)):
            imsis = (imsis,)
        self.imsis: Tuple[str, ...] = tuple(imsis)
        if len(self.imsis) > 4:
            raise ValueError("at most 4 IMSIs")
        cfg = N.CpConfig()
        N._config_init(ctypes.byref(cfg))
        cfg.profile = profile_v
        cfg.tier = tier_v
        cfg.strict_validation = 1 if strict else 0
        arr, n = _imsi_array(self.imsis)
        cfg.imsis = ctypes.cast(arr, _P(ctypes.c_char_p))
        cfg.n_imsis = n
        if state_dir is not None:
            storage = N.CpStorage()
            st = N._store_file_open(os.fsencode(state_dir),
                                    ctypes.byref(storage))
            if st != 0:
                raise error_for(st, "cannot use %r as the state directory"
                                % os.fsdecode(state_dir))
            self._storage = storage
            cfg.storage = storage
        ctx = _vp()
        st = N._ctx_new(ctypes.byref(cfg), ctypes.byref(ctx))
        if st != 0:
            self.close()
            raise error_for(st, "cp_ctx_new failed")
        self._ctx = ctx

    @staticmethod
    def _choice(cls: Any, value: Any, what: str) -> int:
        if isinstance(value, str):
            try:
                return int(cls[value.upper()])
            except KeyError:
                raise ValueError("%s must be one of %s" % (
                    what, ", ".join(m.name.lower() for m in cls))) from None
        if isinstance(value, int) and not isinstance(value, bool):
            return int(cls(value))
        raise TypeError("%s must be %s or str" % (what, cls.__name__))

    # -- lifetime --

    def close(self) -> None:
        """Free the context (and close its file store). Idempotent."""
        ctx, self._ctx = self._ctx, None
        if ctx is not None:
            self._lib_free(ctx)
        csps, self._csps = self._csps, {}
        for reg in csps.values():
            reg.release()
        storage, self._storage = self._storage, None
        if storage is not None:
            self._lib_store_close(ctypes.byref(storage))

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # at interpreter shutdown; nothing to report to
            pass

    @property
    def closed(self) -> bool:
        return self._ctx is None

    def trim(self) -> None:
        """Give back the memory the context keeps from freed documents for
        the next one (cp_ctx_trim). A no-op on a closed context."""
        if self._ctx is not None:
            N._ctx_trim(self._ctx)

    def _handle(self) -> Any:
        if self._ctx is None:
            raise ValueError("operation on a closed omacp.Context")
        N._err_clear(self._ctx)
        return self._ctx

    def error(self, status: int, fallback: str = "",
              **extra: Any) -> OmacpError:
        """The OmacpError subclass for status, with the detail the context
        recorded (message, offset, line, column, path)."""
        ctx = self._ctx
        message, offset, line, column, path = fallback, None, None, None, None
        if ctx is not None and N._err_code(ctx) != 0:
            message = _text(N._err_message(ctx)) or fallback
            off = N._err_offset(ctx)
            offset = None if off == N.NO_OFFSET else off
            line = N._err_line(ctx) or None
            column = N._err_column(ctx) or None
            path = _text(N._err_path(ctx)) or None
        return error_for(status, message, offset=offset, line=line,
                         column=column, path=path, **extra)

    def _check(self, status: int, fallback: str = "") -> None:
        if status != 0:
            raise self.error(status, fallback)

    def _take(self, ptr: Any, length: Any) -> bytes:
        """Copy a buffer the library returned, then cp_free it."""
        try:
            return ctypes.string_at(ptr.value, length.value)
        finally:
            N._free(self._ctx, ptr)

    # -- documents --

    def _load(self, data: Data) -> Any:
        ctx = self._handle()
        raw = _as_bytes(data, "document")
        doc = _vp()
        self._check(N._doc_load(ctx, raw, len(raw), ctypes.byref(doc)),
                    "cannot decode the document")
        return doc

    def _write_xml(self, doc: Any, flags: int) -> str:
        out, n = _vp(), _sz()
        self._check(N._doc_write_xml(self._ctx, doc, flags,
                                     ctypes.byref(out), ctypes.byref(n)))
        return self._take(out, n).decode("utf-8")

    def _encode(self, doc: Any, flags: int) -> bytes:
        out, n = _vp(), _sz()
        self._check(N._doc_encode_wbxml(self._ctx, doc, flags,
                                        ctypes.byref(out), ctypes.byref(n)))
        return self._take(out, n)

    def decode(self, data: Data, pretty: bool = False,
               declaration: bool = False) -> str:
        """WBXML (or XML) document -> canonical XML text."""
        doc = self._load(data)
        try:
            return self._write_xml(doc, (1 if pretty else 0)
                                   | (2 if declaration else 0))
        finally:
            N._doc_free(doc)

    def encode(self, xml: Data, string_table: bool = True) -> bytes:
        """XML (or WBXML) document -> WBXML bytes."""
        doc = self._load(xml)
        try:
            return self._encode(doc, 0 if string_table else 1)
        finally:
            N._doc_free(doc)

    def parse(self, data: Data) -> Node:
        """XML or WBXML document -> a tree of Node (root kind DOC)."""
        doc = self._load(data)
        try:
            return self._node(N._doc_root(doc))
        finally:
            N._doc_free(doc)

    def _node(self, ptr: Any) -> Node:
        node = Node(NodeKind(N._node_kind(ptr)))
        for attr in Attr:
            value = N._node_attr(ptr, attr)
            if value is not None:
                node.attrs[attr] = value.decode("utf-8")
        child = N._node_first_child(ptr)
        while child:
            node.children.append(self._node(child))
            child = N._node_next(child)
        return node

    def _build(self, root: Node) -> Any:
        if not isinstance(root, Node):
            raise TypeError("build needs a Node, not %s"
                            % type(root).__name__)
        ctx = self._handle()
        doc = _vp()
        self._check(N._doc_new(ctx, ctypes.byref(doc)))
        try:
            self._fill(doc, None, root, top=True)
        except BaseException:
            N._doc_free(doc)
            raise
        return doc

    def _fill(self, doc: Any, parent: Any, node: Node, top: bool) -> None:
        if top:
            if node.kind != NodeKind.DOC:
                raise ValueError("the root Node must be NodeKind.DOC")
            ptr = N._doc_root(doc)
        else:
            out = _vp()
            self._check(N._node_add(doc, parent, int(node.kind),
                                    ctypes.byref(out)), "cannot add a node")
            ptr = out
        for attr, value in node.attrs.items():
            self._check(N._node_set_attr(doc, ptr, int(Attr(attr)),
                                         _opt_text(value, "attribute")),
                        "cannot set %s" % Attr(attr).name.lower())
        for child in node.children:
            self._fill(doc, ptr, child, top=False)

    def build(self, root: Node, wbxml: bool = False,
              pretty: bool = False) -> Union[str, bytes]:
        """A Node tree -> XML text (or WBXML bytes with wbxml=True)."""
        doc = self._build(root)
        try:
            return (self._encode(doc, 0) if wbxml
                    else self._write_xml(doc, 1 if pretty else 0))
        finally:
            N._doc_free(doc)

    def validate(self, data: Data) -> None:
        """Check the ProvCont rules (cp_doc_validate); raises when broken."""
        doc = self._load(data)
        try:
            self._check(N._doc_validate(self._ctx, doc), "invalid document")
        finally:
            N._doc_free(doc)

    # -- MACs --

    def mac(self, body: Data, sec: Union[Sec, str, int],
            imsi: Optional[str] = None, pin: Optional[str] = None) -> str:
        """The MAC a server sends for body (40 upper-case hex digits), or
        for USERPINMAC (pin = the N PIN digits) the 2N digits to type."""
        ctx = self._handle()
        raw = _as_bytes(body, "body")
        out = ctypes.create_string_buffer(2 * _PINMAC_MAX + 1 + _MAC_HEX)
        st = N._mac_compute(ctx, _sec(sec), _opt_text(imsi, "imsi"),
                            _opt_text(pin, "pin"), None, raw, len(raw), out,
                            len(out))
        self._check(st, "cp_mac_compute failed")
        return out.value.decode("ascii")

    def verify(self, body: Data, sec: Union[Sec, str, int],
               mac: Optional[str] = None,
               imsis: Optional[Union[str, Iterable[str]]] = None,
               pin: Optional[str] = None) -> bool:
        """True: authentic; False: well-formed but not authentic.
        Malformed input raises. imsis defaults to the context's IMSIs."""
        ctx = self._handle()
        raw = _as_bytes(body, "body")
        arr, n = _imsi_array(self.imsis if imsis is None else imsis)
        index = _sz()
        st = N._mac_verify(ctx, _sec(sec), arr, n, _opt_text(pin, "pin"),
                           _opt_text(mac, "mac"), None, raw, len(raw),
                           ctypes.byref(index))
        if st == 0:
            return True
        if st == Status.NOT_AUTHENTIC:
            return False
        raise self.error(st, "cp_mac_verify failed")

    # -- WSP push --

    def _parse(self, pdu: Bytes) -> Tuple[Any, Any]:
        ctx = self._handle()
        raw = _only_bytes(pdu, "pdu")
        buf = (ctypes.c_uint8 * max(1, len(raw)))()  # outlives push.body
        ctypes.memmove(buf, raw, len(raw))
        push = N.CpPush()
        N._push_init(ctypes.byref(push))
        self._check(N._wsp_parse_push(ctx, buf, len(raw), ctypes.byref(push)),
                    "cannot parse the push PDU")
        return push, buf

    def parse_push(self, pdu: Bytes) -> Push:
        """A WSP push PDU -> Push."""
        p, keep = self._parse(pdu)
        result = Push(
            tid=p.tid, pdu_type=p.pdu_type, content=_enum(Content, p.content),
            content_code=p.content_code, media_type=_text(p.media_type),
            charset=p.charset, sec=_enum(Sec, p.sec), sec_raw=p.sec_raw,
            mac=_text(p.mac) if p.has_mac else None,
            app_id=((_text(p.app_id_text) if p.app_id_code == N.PUSH_TEXTUAL
                     else p.app_id_code) if p.has_app_id else None),
            initiator_uri=(_text(p.initiator_uri) if p.initiator_uri
                           else None),
            push_flag=None if p.push_flag < 0 else p.push_flag,
            body=ctypes.string_at(p.body, p.body_len) if p.body else b"",
            body_offset=p.body_offset)
        del keep
        return result

    def verify_pdu(self, pdu: Bytes,
                   imsis: Optional[Union[str, Iterable[str]]] = None,
                   pin: Optional[str] = None) -> bool:
        """Parse a push PDU and verify its body against its SEC and MAC
        (as verify). An unsigned push raises BadSec."""
        push = self.parse_push(pdu)
        if push.sec == Sec.NONE:
            raise error_for(Status.BAD_SEC, "the push carries no SEC "
                            "parameter")
        if push.mac is not None and len(push.mac) != _MAC_HEX:
            raise error_for(Status.BAD_MAC, "the MAC parameter is not 40 "
                            "characters")
        return self.verify(push.body, push.sec, push.mac, imsis, pin)

    def verify_bootstrap(self, pdu: Bytes, ppg: Union[Ppg, str] = Ppg.ANY,
                         address: Optional[str] = None,
                         pins: PinSource = None) -> Verdict:
        """cp_verify_bootstrap_pdu: is this push acceptable? A refusal is
        a Verdict (accepted False, reason), not an exception: this call
        only asks. pins: PINs to answer the prompts, in order, or a
        callable (sec, attempt, attempts_left) -> str or None."""
        ctx = self._handle()
        raw = _only_bytes(pdu, "pdu")
        gw = _gateway(ppg, address)
        verdict = N.CpVerdict()
        N._verdict_init(ctypes.byref(verdict))
        trap = _Trap()
        prompt = _pin_prompt(pins, trap)
        st = N._verify_bootstrap_pdu(ctx, raw, len(raw), ctypes.byref(gw),
                                     prompt, None, ctypes.byref(verdict))
        trap.raise_pending()
        if st in (Status.NOMEM, Status.INVALID_ARG, Status.VERSION,
                  Status.INTERNAL, Status.BUSY, Status.STORAGE):
            raise self.error(st, "cp_verify_bootstrap_pdu failed")
        return _verdict(verdict)

    def _hooks(self, pins: PinSource,
               confirm: Optional[Callable[[Verdict], bool]],
               audit: Optional[Callable[[AuditRecord], None]],
               now: Optional[Callable[[], int]], trap: _Trap) -> Any:
        hooks = N.CpPushHooks()
        N._push_hooks_init(ctypes.byref(hooks))
        keep = [_pin_prompt(pins, trap)]
        hooks.pin = keep[0]
        for name, fn in (("confirm", confirm), ("audit", audit),
                         ("now", now)):
            if fn is not None and not callable(fn):
                raise TypeError("%s must be callable" % name)
        if confirm is not None:
            def c_confirm(user: Any, v: Any) -> int:
                try:
                    return 1 if confirm(_verdict(v.contents)) else 0
                except BaseException as exc:
                    trap.catch(exc)
                    return 0
            keep.append(N._CONFIRM_FN(c_confirm))
            hooks.confirm = keep[-1]
        if audit is not None:
            def c_audit(user: Any, r: Any) -> None:
                try:
                    a = r.contents
                    audit(AuditRecord(
                        time=a.time, ppg=_enum(Ppg, a.ppg),
                        gateway=_text(a.gateway) or None,
                        initiator=_text(a.initiator) or None,
                        sec=_enum(Sec, a.sec), roles=Role(a.roles),
                        outcome=_enum(Outcome, a.outcome),
                        status=_enum(Status, a.status),
                        reason=_text(a.reason)))
                except BaseException as exc:
                    trap.catch(exc)
            keep.append(N._AUDIT_FN(c_audit))
            hooks.audit = keep[-1]
        if now is not None:
            def c_now(user: Any) -> int:
                try:
                    return _int(now(), "now()")
                except BaseException as exc:
                    trap.catch(exc)
                    return 0
            keep.append(N._NOW_FN(c_now))
            hooks.now = keep[-1]
        return hooks, keep

    def _output(self, res: Any) -> Optional[str]:
        if not res.output:
            return None
        ptr, res.output = _vp(res.output), None
        return self._take(ptr, _sz(res.output_len)).decode("utf-8")

    def _push_result(self, st: int, res: Any,
                     output: Optional[str]) -> PushResult:
        result = PushResult(status=_enum(Status, st),
                            verdict=_verdict(res.verdict),
                            outcome=_enum(Outcome, res.outcome),
                            output=output, pending=bool(res.pending))
        if st != 0:
            raise self.error(st, result.verdict.reason_text or "push refused",
                             output=output, result=result)
        return result

    def push_process(self, pdu: Bytes, ppg: Union[Ppg, str] = Ppg.ANY,
                     address: Optional[str] = None, pins: PinSource = None,
                     confirm: Optional[Callable[[Verdict], bool]] = None,
                     audit: Optional[Callable[[AuditRecord], None]] = None,
                     now: Optional[Callable[[], int]] = None) -> PushResult:
        """cp_push_process: verify a WSP push PDU and apply its document.
        Returns the PushResult when applied; raises the OmacpError subclass
        of the status otherwise, with .result (the PushResult) and .output
        attached. confirm(verdict) -> bool answers the NETWPIN prompt;
        audit(record) receives the AuditRecord; now() -> seconds."""
        ctx = self._handle()
        raw = _only_bytes(pdu, "pdu")
        gw = _gateway(ppg, address)
        trap = _Trap()
        hooks, keep = self._hooks(pins, confirm, audit, now, trap)
        res = N.CpPushResult()
        N._push_result_init(ctypes.byref(res))
        st = N._push_process(ctx, raw, len(raw), ctypes.byref(gw),
                             ctypes.byref(hooks), ctypes.byref(res))
        del keep
        output = self._output(res)
        self._engine_done(trap)
        return self._push_result(st, res, output)

    def push_process_sms(self, sms: "Sms", origin: str, ud: Bytes,
                         udhi: bool = True, now: int = 0,
                         ppg: Union[Ppg, str] = Ppg.ANY,
                         address: Optional[str] = None,
                         pins: PinSource = None,
                         confirm: Optional[Callable[[Verdict], bool]] = None,
                         audit: Optional[Callable[[AuditRecord], None]] = None
                         ) -> PushResult:
        """cp_push_process_sms: one SMS segment (user data) into the
        reassembler sms; when it completes the push, as push_process.
        While segments are missing the result has pending True."""
        ctx = self._handle()
        if not isinstance(sms, Sms):
            raise TypeError("sms must be an omacp.Sms")
        raw = _only_bytes(ud, "ud")
        origin_b = _opt_text(origin, "origin")
        gw = _gateway(ppg, address)
        trap = _Trap()
        hooks, keep = self._hooks(pins, confirm, audit, None, trap)
        res = N.CpPushResult()
        N._push_result_init(ctypes.byref(res))
        st = N._push_process_sms(ctx, sms._handle(), origin_b, raw, len(raw),
                                 1 if udhi else 0, _int(now, "now"),
                                 ctypes.byref(gw), ctypes.byref(hooks),
                                 ctypes.byref(res))
        del keep
        output = self._output(res)
        self._engine_done(trap)
        return self._push_result(st, res, output)

    # -- the sending side and TPDUs --

    def push_build(self, body: Data, sec: Union[Sec, str, int, None] = None,
                   imsi: Optional[str] = None, pin: Optional[str] = None,
                   xml: bool = False, text_content_type: bool = False,
                   no_mac: bool = False, tid: int = 1,
                   app_id: Union[int, str, None] = None,
                   initiator: Optional[str] = None,
                   push_flag: Optional[int] = None,
                   string_table: bool = True) -> Tuple[bytes, str]:
        """A WSP push PDU for body, signed with sec (None: unsigned).
        Returns (pdu, digits): digits is what the user types for
        USERPINMAC, else ""."""
        ctx = self._handle()
        raw = _as_bytes(body, "body")
        o = N._check_init_size(N.CpPushBuildOptions,
                               N._push_build_options_init,
                               "cp_push_build_options")
        if sec is not None:
            o.sec = _sec(sec)
        o.imsi = _opt_text(imsi, "imsi")
        o.pin = _opt_text(pin, "pin")
        o.content = Content.XML if xml else Content.WBXML
        o.flags = ((N.PUSH_BUILD_TEXT_CTYPE if text_content_type else 0)
                   | (N.PUSH_BUILD_NO_MAC if no_mac else 0)
                   | (0 if string_table else N.PUSH_BUILD_NO_STRING_TABLE))
        o.tid = _int(tid, "tid")
        if isinstance(app_id, int) and not isinstance(app_id, bool):
            o.app_id = app_id
        elif app_id is not None:
            o.app_id_text = _opt_text(app_id, "app_id")
        o.initiator_uri = _opt_text(initiator, "initiator")
        if push_flag is not None:
            o.push_flag = _int(push_flag, "push_flag")
        out, n = _vp(), _sz()
        digits = ctypes.create_string_buffer(2 * _PINMAC_MAX + 1)
        st = N._push_build(ctx, ctypes.byref(o), raw, len(raw),
                           ctypes.byref(out), ctypes.byref(n), digits,
                           len(digits))
        self._check(st, "cannot build the push")
        return self._take(out, n), digits.value.decode("ascii")

    def sms_split(self, pdu: Bytes, ref: int = 0, ref16: bool = False,
                  dst_port: int = 2948, src_port: int = 2948,
                  deliver: bool = False, originator: Optional[str] = None,
                  scts: int = 0, smsc: Optional[str] = None) -> List[bytes]:
        """Split a push PDU into SMS user data (UDH first), or with
        deliver=True into SMS-DELIVER TPDUs."""
        ctx = self._handle()
        raw = _only_bytes(pdu, "pdu")
        o = N._check_init_size(N.CpSmsSplitOptions,
                               N._sms_split_options_init,
                               "cp_sms_split_options")
        o.ref, o.ref16 = _int(ref, "ref"), int(bool(ref16))
        o.dst_port, o.src_port = (_int(dst_port, "dst_port"),
                                  _int(src_port, "src_port"))
        o.deliver, o.scts = int(bool(deliver)), _int(scts, "scts")
        o.originator = _opt_text(originator, "originator")
        o.smsc = _opt_text(smsc, "smsc")
        arr, n = _vp(), _sz()
        st = N._sms_split(ctx, ctypes.byref(o), raw, len(raw),
                          ctypes.byref(arr), ctypes.byref(n))
        self._check(st, "cannot split")
        try:
            parts = ctypes.cast(arr, _P(N.CpSmsPart))
            return [ctypes.string_at(parts[i].data, parts[i].len)
                    for i in range(n.value)]
        finally:
            N._free(ctx, arr)

    def parse_deliver(self, tpdu: Union[str, Bytes],
                      smsc: Union[TpduSmsc, int] = TpduSmsc.AUTO
                      ) -> SmsDeliver:
        """An SMS-DELIVER TPDU (bytes, or the hex of a PDU-mode +CMT:
        line) -> SmsDeliver. A non-push SMS is returned, not raised."""
        ctx = self._handle()
        if isinstance(tpdu, str):
            try:
                tpdu = bytes.fromhex(tpdu.strip())
            except ValueError:
                raise error_for(Status.MALFORMED, "not hex digits") from None
        raw = _only_bytes(tpdu, "tpdu")
        buf = (ctypes.c_uint8 * max(1, len(raw)))()
        ctypes.memmove(buf, raw, len(raw))
        d = N._check_init_size(N.CpSmsDeliver, N._sms_deliver_init,
                               "cp_sms_deliver")
        self._check(N._sms_parse_deliver(ctx, buf, len(raw),
                                         _int(smsc, "smsc"), ctypes.byref(d)),
                    "cannot parse the TPDU")
        return SmsDeliver(
            has_smsc=bool(d.has_smsc), smsc=_text(d.smsc),
            first_octet=d.first_octet, originator=_text(d.originator),
            originator_toa=d.originator_toa, pid=d.pid, dcs=d.dcs,
            scts=bytes(d.scts), udhi=bool(d.udhi),
            eight_bit=bool(d.eight_bit), udl=d.udl,
            ud=ctypes.string_at(d.ud, d.ud_len) if d.ud_len else b"",
            is_wap_push=bool(d.is_wap_push), dst_port=d.dst_port)

    # -- processing --

    def roles_of(self, source: Union[Source, str],
                 signer_sha1: Optional[Union[str, bytes]] = None) -> Role:
        """Base roles of a local source (Source, or 'api-privileged', ...)."""
        if isinstance(source, str):
            if source not in _SOURCE_NAMES:
                raise ValueError("unknown source %r; one of %s" % (
                    source, ", ".join(sorted(_SOURCE_NAMES))))
            source = _SOURCE_NAMES[source]
        src = _int(source, "source")
        sha = None if signer_sha1 is None else _sha1(signer_sha1)
        ctx = self._handle()
        roles = ctypes.c_uint32()
        self._check(N._source_roles(ctx, src, sha, ctypes.byref(roles)),
                    "source %s refused" % _enum(Source, src).name)
        return Role(roles.value)

    def _mask(self, roles: Roles) -> int:
        if isinstance(roles, Source) or isinstance(roles, str):
            return int(self.roles_of(roles))
        return _int(roles, "roles")

    def process(self, xml: Data, roles: Roles,
                metadata: bool = False) -> str:
        """Process a provisioning document (XML text, WBXML bytes) for a
        caller with roles (a Role mask, a Source or a source name).
        Returns the output document. On failure nothing was applied and
        the OmacpError subclass of the status is raised, with the output
        document (where it failed) in .output."""
        mask = self._mask(roles)
        ctx = self._handle()
        raw = _as_bytes(xml, "document")
        out, n = _vp(), _sz()
        st = N._process_xml(ctx, raw, len(raw), mask, 2 if metadata else 1,
                            ctypes.byref(out), ctypes.byref(n))
        output = self._take(out, n).decode("utf-8") if out.value else None
        self._engine_done()
        if st != 0:
            raise self.error(st, "the document was not applied",
                             output=output)
        if output is None:
            raise error_for(Status.INTERNAL, "no output document")
        return output

    def process_cpf(self, data: Bytes, no_time_check: bool = False,
                    audit: Optional[Callable[[CpfVerdict], None]] = None
                    ) -> CpfVerdict:
        """cp_process_cpf_ex: a .cpf file (a signed cabinet holding
        _setup.xml). Returns the CpfVerdict (its output set) when applied;
        raises the status's OmacpError subclass otherwise, with .result
        and .output. Unsupported when the library was built NO_CPF=1."""
        if N._process_cpf_ex is None:
            raise error_for(Status.UNSUPPORTED, "this libomacp was built "
                            "without .cpf support (no cp_process_cpf_ex)")
        ctx = self._handle()
        raw = _only_bytes(data, "cpf")
        if audit is not None and not callable(audit):
            raise TypeError("audit must be callable")
        trap = _Trap()
        hooks = N.CpCpfHooks()
        hooks.struct_size = ctypes.sizeof(N.CpCpfHooks)

        def verdict_of(v: Any, output: Optional[str] = None) -> CpfVerdict:
            return CpfVerdict(
                outcome=_enum(Outcome, v.outcome),
                status=_enum(Status, v.status),
                signature=_enum(CpfSignature, v.signature),
                roles=Role(v.roles), signer_sha1=bytes(v.signer_sha1),
                anchor_sha1=bytes(v.anchor_sha1), signer=_text(v.signer),
                digest=_text(v.digest), reason=_text(v.reason),
                output=output)

        keep = None
        if audit is not None:
            def c_audit(user: Any, v: Any) -> None:
                try:
                    audit(verdict_of(v.contents))
                except BaseException as exc:
                    trap.catch(exc)
            keep = N._CPF_AUDIT_FN(c_audit)
            hooks.audit = keep
        verdict = N.CpCpfVerdict()
        verdict.struct_size = ctypes.sizeof(N.CpCpfVerdict)
        out, n = _vp(), _sz()
        st = N._process_cpf_ex(ctx, raw, len(raw),
                               0x0100 if no_time_check else 0,
                               ctypes.byref(hooks), ctypes.byref(verdict),
                               ctypes.byref(out), ctypes.byref(n))
        del keep
        output = self._take(out, n).decode("utf-8") if out.value else None
        self._engine_done(trap)
        result = verdict_of(verdict, output)
        if st != 0:
            raise self.error(st, result.reason or "the .cpf was not applied",
                             output=output, result=result)
        return result

    def register_builtins(self) -> None:
        """SecurityPolicy, BOOTSTRAP, PXLOGICAL, Metabase."""
        self._check(N._register_builtins(self._handle()))

    def register_settings(self, type_name: str) -> None:
        """The generic settings CSP for a characteristic type (NAPDEF, ...)."""
        if not isinstance(type_name, str):
            raise TypeError("type_name must be str")
        self._check(N._register_settings(self._handle(),
                                         type_name.encode("utf-8")))

    # -- configuration service providers written in Python --

    def register_csp(self, type_name: str, csp: Csp,
                     internal_tx: bool = False) -> None:
        """Register csp (an omacp.Csp) for the top-level characteristic
        type type_name (matched without regard to case). Only the handlers
        csp overrides are passed to the library. internal_tx: csp undoes
        its own work in rollback (CP_CSP_INTERNAL_TX); otherwise the engine
        records old values through parm_query and restores them with parm
        and noparm. AlreadyExists when the type has a CSP, Busy inside a
        call."""
        if not isinstance(type_name, str):
            raise TypeError("type_name must be str")
        check_csp(csp)
        ctx = self._handle()
        reg = _Registration(type_name, csp, bool(internal_tx),
                            self._csp_trap)
        st = N._csp_register(ctx, type_name.encode("utf-8"),
                             ctypes.byref(reg.ops), None)
        if st != 0:
            reg.release()
            raise self.error(st, "cp_csp_register failed")
        self._csps[type_name.lower()] = reg

    def unregister_csp(self, type_name: str) -> None:
        """Remove the CSP of type_name (any CSP, built-in ones too) and
        release a Python CSP's callbacks. NotFound if none, Busy inside a
        call."""
        if not isinstance(type_name, str):
            raise TypeError("type_name must be str")
        self._check(N._csp_unregister(self._handle(),
                                      type_name.encode("utf-8")),
                    "cp_csp_unregister failed")
        reg = self._csps.pop(type_name.lower(), None)
        if reg is not None:
            reg.release()

    def _engine_done(self, trap: Optional[_Trap] = None) -> None:
        """An engine call returned: its CSP cookies go; the first exception
        a callback raised (PIN, audit, ..., then a CSP handler) is
        re-raised."""
        for reg in self._csps.values():
            reg.reset()
        exc = None
        for t in (trap, self._csp_trap):
            if t is not None:
                if exc is None:
                    exc = t.exc
                t.exc = None
        if exc is not None:
            raise exc

    # -- policies and roles --

    def policy_get(self, policy_id: Union[Policy, int]) -> int:
        value = ctypes.c_uint32()
        self._check(N._policy_get(self._handle(), _int(policy_id, "policy"),
                                  ctypes.byref(value)))
        return value.value

    def policy_set(self, policy_id: Union[Policy, int], value: int,
                   roles: Roles = Role.MANAGER) -> None:
        self._check(N._policy_set(self._handle(), _int(policy_id, "policy"),
                                  _int(value, "value"), self._mask(roles)))

    def policy_reset(self, policy_id: Union[Policy, int],
                     roles: Roles = Role.MANAGER) -> None:
        self._check(N._policy_reset(self._handle(),
                                    _int(policy_id, "policy"),
                                    self._mask(roles)))

    def policy_list(self) -> List[PolicyDesc]:
        """Every known policy, with its value on this device."""
        ctx = self._handle()
        result = []
        for index in range(N._policy_count()):
            d = N.CpPolicyDesc()
            self._check(N._policy_list(ctx, index, ctypes.byref(d)))
            result.append(PolicyDesc(
                id=d.id, name=_text(d.name), meaning=_text(d.meaning),
                is_mask=bool(d.is_mask), value=d.value,
                default=d.default_value, min=d.min, max=d.max,
                set_roles=Role(d.set_roles), source=_text(d.source)))
        return result

    def roles_effective(self, roles: Union[Role, int]) -> Role:
        """Roles after the grant policies 4119/4120."""
        return Role(N._roles_effective(self._handle(), _int(roles, "roles")))

    def tps(self) -> Optional[str]:
        """The stored TPS URL, or None."""
        buf = ctypes.create_string_buffer(257)
        st = N._tps_get(self._handle(), buf, len(buf))
        if st == Status.NOT_FOUND:
            return None
        self._check(st)
        return _text(buf.value) or None

    # -- SPC store --

    def spc_add(self, sha1: Union[str, bytes], roles: Union[Role, int]) -> None:
        """Add (or change) a .cpf signer by certificate SHA-1 thumbprint."""
        self._check(N._spc_add(self._handle(), _sha1(sha1),
                               _int(roles, "roles")))

    def spc_add_cert(self, cert: Bytes, roles: Union[Role, int]) -> None:
        """Add a signer by its DER certificate (kept for chain checks)."""
        if N._spc_add_cert is None:
            raise error_for(Status.UNSUPPORTED, "no cp_spc_add_cert")
        raw = _only_bytes(cert, "cert")
        self._check(N._spc_add_cert(self._handle(), raw, len(raw),
                                    _int(roles, "roles")))

    def spc_remove(self, sha1: Union[str, bytes]) -> None:
        self._check(N._spc_remove(self._handle(), _sha1(sha1)))

    def spc_get(self, index: int) -> SpcEntry:
        """Entry index (NotFound past the end), with subject and
        certificate length when the library has cp_spc_get_info."""
        ctx = self._handle()
        i = _int(index, "index")
        if N._spc_get_info is not None:
            info = N.CpSpcInfo()
            info.struct_size = ctypes.sizeof(N.CpSpcInfo)
            st = N._spc_get_info(ctx, i, ctypes.byref(info))
            if st != Status.UNSUPPORTED:  # NO_CPF: thumbprints only
                self._check(st)
                return SpcEntry(bytes(info.sha1), Role(info.roles),
                                info.cert_len, _text(info.subject))
            ctx = self._handle()
        sha = (ctypes.c_uint8 * 20)()
        roles = ctypes.c_uint32()
        self._check(N._spc_get(ctx, i, sha, ctypes.byref(roles)))
        return SpcEntry(bytes(sha), Role(roles.value))

    def spc_list(self) -> List[SpcEntry]:
        result = []
        while True:
            try:
                result.append(self.spc_get(len(result)))
            except OmacpError as exc:
                if exc.status == Status.NOT_FOUND:
                    return result
                raise

    def gateways(self) -> List[GatewayInfo]:
        """The push gateways the device holds (cp_gateway_list): their
        PXADDR and whether they are trusted and push-enabled."""
        if N._gateway_list is None:
            raise self.error(Status.UNSUPPORTED, "no cp_gateway_list")
        result: List[GatewayInfo] = []
        while True:
            info = N.CpGatewayInfo()
            info.struct_size = ctypes.sizeof(N.CpGatewayInfo)
            st = N._gateway_list(self._handle(), len(result),
                                 ctypes.byref(info))
            if st == Status.NOT_FOUND:
                return result
            self._check(st)
            result.append(GatewayInfo(_text(info.address), bool(info.trusted),
                                      bool(info.push_enabled)))

    # -- metabase --

    def meta_set(self, path: str, meta: Meta) -> None:
        if not isinstance(meta, Meta):
            raise TypeError("meta must be an omacp.Meta")
        m = N.CpMeta()
        N._meta_init(ctypes.byref(m))
        m.access_roles = _int(meta.access_roles, "access_roles")
        m.rw = _int(meta.rw, "rw")
        m.datatype = _int(meta.datatype, "datatype")
        m.has_min = int(meta.min is not None)
        m.has_max = int(meta.max is not None)
        m.min = 0 if meta.min is None else _int(meta.min, "min")
        m.max = 0 if meta.max is None else _int(meta.max, "max")
        m.max_length = _int(meta.max_length, "max_length")
        self._check(N._meta_set(self._handle(), _opt_text(path, "path"),
                                ctypes.byref(m)))

    def meta_get(self, path: str) -> Meta:
        """The entry governing path (its own, or the nearest ancestor's:
        exact tells which); NotFound when none."""
        m = N.CpMeta()
        N._meta_init(ctypes.byref(m))
        exact = ctypes.c_int()
        self._check(N._meta_get(self._handle(), _opt_text(path, "path"),
                                ctypes.byref(m), ctypes.byref(exact)))
        from .enums import Datatype
        return Meta(access_roles=Role(m.access_roles), rw=m.rw,
                    datatype=_enum(Datatype, m.datatype),
                    min=m.min if m.has_min else None,
                    max=m.max if m.has_max else None,
                    max_length=m.max_length, exact=bool(exact.value))

    def meta_remove(self, path: str) -> None:
        self._check(N._meta_remove(self._handle(), _opt_text(path, "path")))


class Sms:
    """An SMS reassembler (cp_sms) bound to a Context: collects WAP push
    segments and hands back the PDU when the last one is in."""

    def __init__(self, ctx: Context, max_segments: Optional[int] = None,
                 max_pending: Optional[int] = None,
                 expiry_seconds: Optional[int] = None) -> None:
        if not isinstance(ctx, Context):
            raise TypeError("ctx must be an omacp.Context")
        self._sms: Any = None
        self._ctx = ctx  # the context must outlive the reassembler
        self._lib_free = N._sms_free
        o = N.CpSmsOptions()
        N._sms_options_init(ctypes.byref(o))
        if max_segments is not None:
            o.max_segments = _int(max_segments, "max_segments")
        if max_pending is not None:
            o.max_pending = _int(max_pending, "max_pending")
        if expiry_seconds is not None:
            o.expiry_seconds = _int(expiry_seconds, "expiry_seconds")
        out = _vp()
        ctx._check(N._sms_new(ctx._handle(), ctypes.byref(o),
                              ctypes.byref(out)), "cp_sms_new failed")
        self._sms = out

    def _handle(self) -> Any:
        if self._sms is None:
            raise ValueError("operation on a closed omacp.Sms")
        self._ctx._handle()
        return self._sms

    def close(self) -> None:
        sms, self._sms = self._sms, None
        if sms is not None:
            self._lib_free(sms)

    def __enter__(self) -> "Sms":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def add(self, origin: str, ud: Bytes, udhi: bool = True,
            now: int = 0) -> Optional[bytes]:
        """One segment's user data; the WSP push PDU when complete, else
        None (kept, or a duplicate)."""
        h = self._handle()
        raw = _only_bytes(ud, "ud")
        pdu, n = _vp(), _sz()
        self._ctx._check(N._sms_add(h, _opt_text(origin, "origin"), raw,
                                    len(raw), 1 if udhi else 0,
                                    _int(now, "now"), ctypes.byref(pdu),
                                    ctypes.byref(n)), "segment refused")
        return self._ctx._take(pdu, n) if pdu.value else None

    def expire(self, now: int) -> None:
        N._sms_expire(self._handle(), _int(now, "now"))

    @property
    def pending(self) -> int:
        return N._sms_pending(self._handle())

    def save(self) -> bytes:
        """The partial messages as one block, for restore()."""
        if N._sms_save is None:
            raise error_for(Status.UNSUPPORTED, "no cp_sms_save")
        h = self._handle()
        out, n = _vp(), _sz()
        self._ctx._check(N._sms_save(h, ctypes.byref(out), ctypes.byref(n)))
        return self._ctx._take(out, n)

    def restore(self, block: Bytes, now: int = 0) -> None:
        if N._sms_restore is None:
            raise error_for(Status.UNSUPPORTED, "no cp_sms_restore")
        raw = _only_bytes(block, "block")
        self._ctx._check(N._sms_restore(self._handle(), raw, len(raw),
                                        _int(now, "now")))


# ---- module-level shortcuts (a fresh in-memory context per call) -----------


def decode(data: Data, pretty: bool = False, declaration: bool = False) -> str:
    """WBXML (or XML) document -> canonical XML text."""
    with Context() as c:
        return c.decode(data, pretty, declaration)


def encode(xml: Data, string_table: bool = True) -> bytes:
    """XML (or WBXML) document -> WBXML bytes."""
    with Context() as c:
        return c.encode(xml, string_table)


def parse(data: Data) -> Node:
    """XML or WBXML document -> Node tree."""
    with Context() as c:
        return c.parse(data)


def build(root: Node, wbxml: bool = False,
          pretty: bool = False) -> Union[str, bytes]:
    """Node tree -> XML text, or WBXML bytes."""
    with Context() as c:
        return c.build(root, wbxml, pretty)


def mac(body: Data, sec: Union[Sec, str, int], imsi: Optional[str] = None,
        pin: Optional[str] = None) -> str:
    """See Context.mac."""
    with Context() as c:
        return c.mac(body, sec, imsi, pin)


def verify(body: Data, sec: Union[Sec, str, int], mac: Optional[str] = None,
           imsis: Union[str, Iterable[str]] = (),
           pin: Optional[str] = None) -> bool:
    """See Context.verify."""
    with Context() as c:
        return c.verify(body, sec, mac, imsis, pin)


def verify_pdu(pdu: Bytes, imsis: Union[str, Iterable[str]] = (),
               pin: Optional[str] = None) -> bool:
    """See Context.verify_pdu."""
    with Context() as c:
        return c.verify_pdu(pdu, imsis, pin)


def parse_push(pdu: Bytes) -> Push:
    """See Context.parse_push."""
    with Context() as c:
        return c.parse_push(pdu)


def parse_deliver(tpdu: Union[str, Bytes],
                  smsc: Union[TpduSmsc, int] = TpduSmsc.AUTO) -> SmsDeliver:
    """See Context.parse_deliver."""
    with Context() as c:
        return c.parse_deliver(tpdu, smsc)


def version() -> str:
    """The library's release version, "MAJOR.MINOR.PATCH"."""
    return _text(N._version_fn())


def roles_for_sec(sec: Union[Sec, int]) -> Role:
    """Signature roles of a SEC method (cp_roles_for_sec)."""
    return Role(N._roles_for_sec(_sec(sec)))


def strerror(status: int) -> str:
    return N._strerror(_int(status, "status"))

