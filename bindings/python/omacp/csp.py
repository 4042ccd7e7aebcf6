"""Configuration service providers written in Python (omacp/csp.h).

Subclass Csp, override the handlers the CSP supports, and register an
instance with Context.register_csp(type_name, csp). A handler left as
inherited is passed to the library as NULL: the engine then refuses the
element it would handle with CP_E_UNSUPPORTED, and without rollback (and
without internal_tx) it undoes the CSP's work itself through parm_query
and parm (external transactioning).

SPDX-License-Identifier: MIT
"""

import ctypes
import itertools
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _native as N
from .enums import Attr, NodeKind, Role, Status
from .errors import OmacpError
from .records import Node

# what characteristic_query may return (see Csp.characteristic_query)
Tree = Union[Node, Tuple[str, Any], List[Any]]

_HANDLERS = ("begin", "char_enter", "char_leave", "parm", "noparm",
             "parm_query", "nocharacteristic", "characteristic_query",
             "commit", "rollback", "error_description")


def _dec(raw: Optional[bytes]) -> Optional[str]:
    return None if raw is None else raw.decode("utf-8", "surrogateescape")


def _enc(text: Optional[str], what: str) -> Optional[bytes]:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("%s must be str or None, not %s"
                        % (what, type(text).__name__))
    data = text.encode("utf-8", "surrogateescape")
    if b"\0" in data:
        raise ValueError("%s must not contain NUL" % what)
    return data


class CspSession:
    """The engine's view of the call a handler runs in (cp_csp_session):
    valid only while that handler runs (Csp.session)."""

    def __init__(self, ptr: Any) -> None:
        self._ptr = ptr

    def _p(self) -> Any:
        if self._ptr is None:
            raise ValueError("the CSP session is over (it is valid only "
                             "inside a handler)")
        return self._ptr

    @property
    def roles(self) -> Role:
        """The caller's effective roles (cp_csp_roles)."""
        return Role(N._csp_roles(self._p()))

    @property
    def flags(self) -> int:
        """The call's flags: 1 process, 2 metadata (cp_csp_flags)."""
        return int(N._csp_flags(self._p()))

    @property
    def metadata(self) -> bool:
        """True for a metadata request (nothing may change)."""
        return bool(self.flags & 0x0002)


class Csp:
    """Base class of a configuration service provider written in Python.

    Override the handlers the CSP supports; the inherited ones are not
    passed to the library (NULL). path is the chain of characteristic
    types from the CSP's top-level type down, joined by '/'. A handler
    fails the document by raising an OmacpError subclass (omacp.NotFound,
    omacp.AccessDenied, omacp.MalformedInput(Status.BAD_DOC), ...): its
    status goes to the engine, its message becomes the element's desc.
    Any other exception makes the handler return CP_E_CSP; the document is
    rolled back and the exception is re-raised by the Context method that
    ran the engine (process, push_process, ...) once the library returned.

    session: the CspSession of the running handler (roles, flags), None
    outside one.
    """

    session: Optional[CspSession] = None

    def begin(self) -> None:
        """Start of this CSP's part of a call (before its first node)."""
        raise NotImplementedError

    def char_enter(self, path: str, type_name: str,
                   parent_cookie: Any) -> Any:
        """Entering a characteristic (also the top-level one); returns the
        cookie its children and char_leave get (any object; None at
        first). parent_cookie: the enclosing one's (None at the top)."""
        raise NotImplementedError

    def char_leave(self, path: str, type_name: str, cookie: Any) -> None:
        """Leaving a characteristic entered with char_enter."""
        raise NotImplementedError

    def parm(self, path: str, name: str, value: Optional[str],
             cookie: Any) -> None:
        """Set a parm (value None: a parm without value)."""
        raise NotImplementedError

    def noparm(self, path: str, name: str, cookie: Any) -> None:
        """Delete a parm; raise omacp.NotFound if it does not exist."""
        raise NotImplementedError

    def parm_query(self, path: str, name: str, cookie: Any) -> Optional[str]:
        """The parm's value, or None when it does not exist."""
        raise NotImplementedError

    def nocharacteristic(self, path: str, type_name: str,
                         cookie: Any) -> None:
        """Delete the characteristic path/type; raise omacp.NotFound if
        absent."""
        raise NotImplementedError

    def characteristic_query(self, path: str, recursive: bool,
                             cookie: Any) -> Optional[Tree]:
        """Describe the characteristic path (path ends with its type), all
        its levels when recursive, else its parms and its direct child
        characteristics without content; None when absent. Returns
        ``(type, [children])`` where a child is ``(name, value)`` (a parm,
        value str or None) or ``(type, [children])`` (a characteristic);
        a bare ``[children]`` stands for the queried characteristic
        itself; a Node of kind CHARACTERISTIC (children CHARACTERISTIC and
        PARM, attributes TYPE, NAME, VALUE) works too."""
        raise NotImplementedError

    def commit(self) -> None:
        """The whole document succeeded: make this CSP's work permanent."""
        raise NotImplementedError

    def rollback(self) -> None:
        """The document failed: undo this CSP's work (internal_tx)."""
        raise NotImplementedError

    def error_description(self) -> Optional[str]:
        """Text for the desc of the failing element, or None."""
        raise NotImplementedError


def overridden(csp: Csp) -> List[str]:
    """The handlers csp overrides (the ones passed to the library)."""
    cls = type(csp)
    return [name for name in _HANDLERS
            if getattr(cls, name, None) is not getattr(Csp, name)]


def _status_of(exc: OmacpError) -> int:
    st = int(exc.status)
    return st if st < 0 else int(Status.CSP)


class _Registration:
    """One register_csp: the ops handed to C, the ctypes callbacks (alive
    as long as the registration), the cookie table of the running call."""

    def __init__(self, type_name: str, csp: Csp, internal_tx: bool,
                 trap: Any) -> None:
        self.type_name = type_name
        self.csp = csp
        self.trap = trap
        self.cookies: Dict[int, Any] = {}
        self._ids = itertools.count(1)
        self.desc: Optional[str] = None  # the last failure's message
        self._desc_buf: Any = None
        self.handlers = overridden(csp)
        ops = N.CpCspOps()
        ops.struct_size = ctypes.sizeof(N.CpCspOps)
        ops.flags = N.CSP_INTERNAL_TX if internal_tx else 0
        self.keep: List[Any] = []
        for name in self.handlers:
            if name == "error_description":
                continue
            proto = type(getattr(ops, name))
            fn = proto(getattr(self, "_c_" + name))
            self.keep.append(fn)
            setattr(ops, name, fn)
        # always present: the user's text, else the message of the
        # exception that failed the element
        fn = N._CSP_DESC_FN(self._c_error_description)
        self.keep.append(fn)
        ops.error_description = fn
        self.ops = ops

    def release(self) -> None:
        """Drop the callbacks (after cp_csp_unregister or cp_ctx_free)."""
        self.keep = []
        self.cookies.clear()
        self.ops = None

    def reset(self) -> None:
        """The engine call is over: its cookies go."""
        self.cookies.clear()
        self._desc_buf = None

    # -- cookies: Python objects behind integer handles --

    def cookie_in(self, ptr: Any) -> Any:
        return self.cookies.get(ptr) if ptr else None

    def cookie_out(self, obj: Any) -> int:
        if obj is None:
            return 0
        handle = next(self._ids)
        self.cookies[handle] = obj
        return handle

    # -- running a handler --

    def _run(self, sptr: Any, call: Callable[[], int]) -> int:
        csp = self.csp
        session = CspSession(sptr)
        prev = csp.session
        csp.session = session
        self.desc = None
        try:
            return call()
        except OmacpError as exc:
            self.desc = exc.message or None
            return _status_of(exc)
        except BaseException as exc:  # must not cross into C
            self.desc = "%s: %s" % (type(exc).__name__, exc)
            self.trap.catch(exc)
            return int(Status.CSP)
        finally:
            session._ptr = None
            csp.session = prev

    def _c_begin(self, user: Any, s: Any) -> int:
        return self._run(s, lambda: self._none(self.csp.begin()))

    def _c_commit(self, user: Any, s: Any) -> int:
        return self._run(s, lambda: self._none(self.csp.commit()))

    def _c_rollback(self, user: Any, s: Any) -> int:
        return self._run(s, lambda: self._none(self.csp.rollback()))

    @staticmethod
    def _none(result: Any) -> int:
        return 0

    def _c_char_enter(self, user: Any, s: Any, path: bytes, type_name: bytes,
                      parent: Any, cookie: Any) -> int:
        def call() -> int:
            obj = self.csp.char_enter(_dec(path) or "", _dec(type_name) or "",
                                      self.cookie_in(parent))
            cookie[0] = self.cookie_out(obj) or None
            return 0
        return self._run(s, call)

    def _c_char_leave(self, user: Any, s: Any, path: bytes, type_name: bytes,
                      cookie: Any) -> int:
        return self._run(s, lambda: self._none(self.csp.char_leave(
            _dec(path) or "", _dec(type_name) or "", self.cookie_in(cookie))))

    def _c_parm(self, user: Any, s: Any, path: bytes, name: bytes,
                value: Optional[bytes], cookie: Any) -> int:
        return self._run(s, lambda: self._none(self.csp.parm(
            _dec(path) or "", _dec(name) or "", _dec(value),
            self.cookie_in(cookie))))

    def _c_noparm(self, user: Any, s: Any, path: bytes, name: bytes,
                  cookie: Any) -> int:
        return self._run(s, lambda: self._none(self.csp.noparm(
            _dec(path) or "", _dec(name) or "", self.cookie_in(cookie))))

    def _c_nocharacteristic(self, user: Any, s: Any, path: bytes,
                            type_name: bytes, cookie: Any) -> int:
        return self._run(s, lambda: self._none(self.csp.nocharacteristic(
            _dec(path) or "", _dec(type_name) or "",
            self.cookie_in(cookie))))

    def _c_parm_query(self, user: Any, s: Any, path: bytes, name: bytes,
                      cookie: Any) -> int:
        def call() -> int:
            value = self.csp.parm_query(_dec(path) or "", _dec(name) or "",
                                        self.cookie_in(cookie))
            if value is None:
                return int(Status.NOT_FOUND)
            return int(N._csp_answer(s, _enc(value, "parm_query's answer")))
        return self._run(s, call)

    def _c_characteristic_query(self, user: Any, s: Any, path: bytes,
                                recursive: int, cookie: Any) -> int:
        def call() -> int:
            p = _dec(path) or ""
            tree = self.csp.characteristic_query(p, bool(recursive),
                                                 self.cookie_in(cookie))
            if tree is None:
                return int(Status.NOT_FOUND)
            if isinstance(tree, list):
                tree = (p.rsplit("/", 1)[-1], tree)
            return _emit(s, tree, top=True)
        return self._run(s, call)

    def _c_error_description(self, user: Any, s: Any) -> Optional[int]:
        text = self.desc
        if "error_description" in self.handlers:
            csp = self.csp
            session = CspSession(s)
            prev = csp.session
            csp.session = session
            try:
                mine = csp.error_description()
                if mine is not None:
                    text = mine
            except BaseException as exc:  # must not cross into C
                self.trap.catch(exc)
            finally:
                session._ptr = None
                csp.session = prev
        try:
            data = _enc(text, "error_description")
        except (TypeError, ValueError) as exc:
            self.trap.catch(exc)
            return None
        if data is None:
            return None
        self._desc_buf = ctypes.create_string_buffer(data)
        return ctypes.addressof(self._desc_buf)


def _emit(s: Any, tree: Any, top: bool = False) -> int:
    """Emit one characteristic (and below) with cp_csp_emit_*."""
    if isinstance(tree, Node):
        if tree.kind != NodeKind.CHARACTERISTIC:
            raise ValueError("characteristic_query: a %s Node where a "
                             "characteristic belongs" % tree.kind.name)
        type_name = tree.attrs.get(Attr.TYPE)
        children: Any = tree.children
    elif (isinstance(tree, tuple) and len(tree) == 2 and
          isinstance(tree[1], list)):
        type_name, children = tree
    else:
        raise TypeError("characteristic_query must return (type, [children])"
                        ", a list of children, a Node or None, not %r"
                        % (tree,) if top else
                        "characteristic_query: a child must be (name, value),"
                        " (type, [children]) or a Node, not %r" % (tree,))
    st = int(N._csp_emit_enter(s, _enc(type_name, "a characteristic type")))
    if st:
        return st
    for child in children:
        if isinstance(child, Node) and child.kind == NodeKind.PARM:
            st = int(N._csp_emit_parm(
                s, _enc(child.attrs.get(Attr.NAME), "a parm name"),
                _enc(child.attrs.get(Attr.VALUE), "a parm value")))
        elif (isinstance(child, tuple) and len(child) == 2 and
              (child[1] is None or isinstance(child[1], str))):
            st = int(N._csp_emit_parm(s, _enc(child[0], "a parm name"),
                                      _enc(child[1], "a parm value")))
        else:
            st = _emit(s, child)
        if st:
            return st
    return int(N._csp_emit_leave(s))


def check_csp(csp: Any) -> Csp:
    if not isinstance(csp, Csp):
        raise TypeError("csp must be an omacp.Csp, not %s"
                        % type(csp).__name__)
    return csp


__all__ = ["Csp", "CspSession", "Tree", "overridden"]
