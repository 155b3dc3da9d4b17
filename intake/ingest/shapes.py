"""Mail shapes that wrap their files: Outlook's TNEF and S/MIME.

- **TNEF** (``winmail.dat``, ``application/ms-tnef``): Outlook's own
  container for the message and its attachments. Its files are unpacked
  with ``tnefparse`` and judged like any attachment; its walk is counted
  first (each record's length, without copying), so a file of millions of
  tiny records costs no more than reading its lengths.
- **S/MIME enveloped-data** (an encrypted ``smime.p7m``): only the
  recipient's private key opens it, and PCSE publishes none, so the sender
  is told the message is encrypted.
- **S/MIME opaque signed-data** (``smime-type=signed-data``): the signed
  MIME entity is inside the CMS structure; it is taken out (asn1crypto)
  and its parts are read like the message's own. The signature is not
  checked, as with ``multipart/signed`` (whose signature part is skipped):
  a signature says who sent the form, not whether it is valid, and the
  form's own checks decide that.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from email.message import Message

TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
PKCS7_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")
ENCRYPTED = "encrypted"
SIGNED = "signed"
_TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
_SIGNED_DATA_OID = "1.2.840.113549.1.7.2"
_ENVELOPED_OIDS = ("1.2.840.113549.1.7.3", "1.2.840.113549.1.9.16.1.23")  # + authEnveloped


class Unreadable(Exception):
    """A container that cannot be opened; the message is plain English."""


@dataclass(frozen=True)
class Inner:
    """One file found inside a container."""

    filename: str
    data: bytes


def is_tnef(part: Message, filename: str, data: bytes) -> bool:
    """TNEF by its signature, or by its content type or usual name (when
    its bytes are not TNEF, :func:`unpack_tnef` says it is damaged)."""
    return data[:4] == _TNEF_SIGNATURE or (
        bool(data) and (part.get_content_type() in TNEF_TYPES or filename.lower() == "winmail.dat")
    )


def unpack_tnef(data: bytes, max_files: int) -> list[Inner]:
    """The attached files inside a TNEF container, in order.

    Raises :class:`Unreadable` for a damaged container or one holding over
    ``max_files`` files (or records a real one never has).
    """
    from tnefparse.tnef import TNEF  # imported here: only winmail.dat needs it

    _count_tnef_records(data, limit=50 * (max_files + 10))
    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:  # any fault in a hostile container
        raise Unreadable(f"the Outlook winmail.dat is damaged ({type(exc).__name__})") from None
    files = [a for a in tnef.attachments if a.data]
    if len(files) > max_files:
        raise Unreadable(f"the Outlook winmail.dat holds more than {max_files} files")
    return [Inner(_tnef_name(a, n), bytes(a.data)) for n, a in enumerate(files, start=1)]


def _count_tnef_records(data: bytes, limit: int) -> None:
    """Walk the records by their lengths; a damaged walk or too many records
    is :class:`Unreadable`."""
    if data[:4] != _TNEF_SIGNATURE or len(data) < 6:
        raise Unreadable("the Outlook winmail.dat is damaged (no TNEF signature)")
    offset, count = 6, 0
    while offset + 12 < len(data):
        (length,) = struct.unpack_from("<I", data, offset + 5)
        offset += length + 11
        count += 1
        if count > limit:
            raise Unreadable("the Outlook winmail.dat has more records than any real one")
    if offset > len(data):
        raise Unreadable("the Outlook winmail.dat is damaged (it is cut short)")


def _tnef_name(attachment, number: int) -> str:
    for get in (attachment.long_filename, lambda: attachment._name):
        try:
            name = get()
        except Exception:  # a name in a codepage tnefparse cannot decode
            continue
        if isinstance(name, bytes):
            name = name.split(b"\x00")[0].decode("utf-8", "replace")
        name = str(name).strip("\x00").strip()
        if name:
            return name
    return f"winmail.dat file {number}"


def smime_kind(part: Message, filename: str) -> str | None:
    """``"encrypted"``, ``"signed"`` (opaque signed-data) or ``None`` for a
    part that is not an S/MIME ``pkcs7-mime`` body."""
    content_type = part.get_content_type()
    if content_type not in PKCS7_TYPES and not filename.lower().endswith(".p7m"):
        return None
    smime_type = str(part.get_param("smime-type") or "").lower()
    if smime_type == "signed-data":
        return SIGNED
    if smime_type in ("enveloped-data", "authenveloped-data"):
        return ENCRYPTED
    return "unknown"  # decided by the content itself: see signed_content


def signed_content(data: bytes) -> bytes:
    """The MIME entity inside an opaque S/MIME signed-data body.

    Raises :class:`Unreadable` when the body is encrypted (enveloped-data)
    or is no CMS structure at all.
    """
    from asn1crypto import cms  # imported here: only S/MIME needs it

    try:
        info = cms.ContentInfo.load(data)
        kind = info["content_type"].dotted
        if kind in _ENVELOPED_OIDS:
            raise Unreadable(ENCRYPTED)
        if kind != _SIGNED_DATA_OID:
            raise Unreadable(f"the S/MIME part holds {kind}, not a signed message")
        content = info["content"]["encap_content_info"]["content"].native
    except Unreadable:
        raise
    except Exception as exc:  # a damaged structure
        raise Unreadable(f"the S/MIME part is damaged ({type(exc).__name__})") from None
    if not content:
        raise Unreadable("the S/MIME signature holds no message (a detached signature)")
    return bytes(content)
