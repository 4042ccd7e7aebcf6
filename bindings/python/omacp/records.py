"""Dataclasses the API returns (verdicts, audit records, results, ...).

SPDX-License-Identifier: MIT
"""

from dataclasses import dataclass, field
from typing import List, Optional, Union

from .enums import (Attr, Content, CpfSignature, Datatype, NodeKind, Outcome,
                    Ppg, Role, Sec, Status)


@dataclass(frozen=True)
class Verdict:
    """cp_verdict: the trust decision on a pushed message."""
    accepted: bool
    reason: Status
    reason_text: str
    sec: Sec
    origin_roles: Role
    roles: Role
    effective_roles: Role
    imsi_index: Optional[int]
    confirm_due: bool
    is_bootstrap: bool
    pin_failures: int


@dataclass(frozen=True)
class AuditRecord:
    """cp_audit: one record per pushed message."""
    time: int
    ppg: Ppg
    gateway: Optional[str]
    initiator: Optional[str]
    sec: Sec
    roles: Role
    outcome: Outcome
    status: Status
    reason: str


@dataclass(frozen=True)
class PushResult:
    """cp_push_result: what push_process / push_process_sms did."""
    status: Status
    verdict: Verdict
    outcome: Outcome
    output: Optional[str]
    pending: bool


@dataclass(frozen=True)
class CpfVerdict:
    """cp_cpf_verdict: what process_cpf did with a .cpf file."""
    outcome: Outcome
    status: Status
    signature: CpfSignature
    roles: Role
    signer_sha1: bytes
    anchor_sha1: bytes
    signer: str
    digest: str
    reason: str
    output: Optional[str] = None


@dataclass(frozen=True)
class SpcEntry:
    """One SPC store entry: a .cpf signer and its role mask."""
    sha1: bytes
    roles: Role
    cert_len: int = 0
    subject: str = ""


@dataclass(frozen=True)
class GatewayInfo:
    """cp_gateway_info: a push gateway the device holds (PXPHYSICAL)."""
    address: str
    trusted: bool
    push_enabled: bool


@dataclass(frozen=True)
class PolicyDesc:
    """cp_policy_desc: one security policy and its value on this device."""
    id: int
    name: str
    meaning: str
    is_mask: bool
    value: int
    default: int
    min: int
    max: int
    set_roles: Role
    source: str


@dataclass
class Meta:
    """cp_meta: a metabase entry (who may touch a setting, its type)."""
    access_roles: Role = Role.MANAGER
    rw: int = 3
    datatype: Datatype = Datatype.UNKNOWN
    min: Optional[int] = None
    max: Optional[int] = None
    max_length: int = 0
    exact: bool = True


@dataclass(frozen=True)
class Push:
    """cp_push: what a WSP push PDU says."""
    tid: int
    pdu_type: int
    content: Content
    content_code: int
    media_type: str
    charset: int
    sec: Sec
    sec_raw: int
    mac: Optional[str]
    app_id: Union[int, str, None]
    initiator_uri: Optional[str]
    push_flag: Optional[int]
    body: bytes
    body_offset: int


@dataclass(frozen=True)
class SmsDeliver:
    """cp_sms_deliver: a parsed SMS-DELIVER TPDU."""
    has_smsc: bool
    smsc: str
    first_octet: int
    originator: str
    originator_toa: int
    pid: int
    dcs: int
    scts: bytes
    udhi: bool
    eight_bit: bool
    udl: int
    ud: bytes
    is_wap_push: bool
    dst_port: int


@dataclass
class Node:
    """A document element for parse() and build(): kind, attributes by
    Attr, children in order."""
    kind: NodeKind
    attrs: "dict[Attr, str]" = field(default_factory=dict)
    children: List["Node"] = field(default_factory=list)

    def find(self, kind: NodeKind, **attrs: str) -> Optional["Node"]:
        """The first descendant (depth first) of kind whose attributes
        (by lower-case Attr name) equal attrs."""
        for child in self.children:
            if child.kind == kind and all(
                    child.attrs.get(Attr[k.upper()]) == v
                    for k, v in attrs.items()):
                return child
            hit = child.find(kind, **attrs)
            if hit is not None:
                return hit
        return None
