"""Builders for the mail shapes real clients send: Outlook's TNEF
(winmail.dat) and S/MIME, written here from the formats' descriptions
(MS-OXTNEF; RFC 5652 and RFC 8551)."""

from __future__ import annotations

import struct
from email.message import EmailMessage

from asn1crypto import algos, cms

from tests.mail.messages import SENDER, WHEN, mail

_SIGNATURE = 0x223E9F78
_LVL_MESSAGE, _LVL_ATTACHMENT = 1, 2
_TYPE_STRING, _TYPE_BYTE, _TYPE_DWORD = 0x0001, 0x0006, 0x0008
_ATT_TNEF_VERSION = 0x9006
_ATT_ATTACH_REND_DATA = 0x9002
_ATT_ATTACH_TITLE = 0x8010
_ATT_ATTACH_DATA = 0x800F


def _record(level: int, kind: int, name: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)


def tnef(*files: tuple[str, bytes]) -> bytes:
    """A TNEF stream holding these ``(file name, bytes)`` attachments."""
    out = struct.pack("<IH", _SIGNATURE, 0x0001)
    out += _record(_LVL_MESSAGE, _TYPE_DWORD, _ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    for name, data in files:
        # attAttachRendData starts each attachment: type 1 (file), position,
        # width, height, flags.
        rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)
        out += _record(_LVL_ATTACHMENT, _TYPE_BYTE, _ATT_ATTACH_REND_DATA, rend)
        title = name.encode("ascii") + b"\x00"
        out += _record(_LVL_ATTACHMENT, _TYPE_STRING, _ATT_ATTACH_TITLE, title)
        out += _record(_LVL_ATTACHMENT, _TYPE_BYTE, _ATT_ATTACH_DATA, data)
    return out


def outlook_mail(*files: tuple[str, bytes], **kwargs) -> bytes:
    """A message as Outlook sends it in rich text: one winmail.dat."""
    return mail(("winmail.dat", tnef(*files), "application/ms-tnef"), **kwargs)


def _smime_message(content_type: str, body: bytes, subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Emma Wilson <{SENDER}>"
    msg["To"] = "intake@pcse.example.org"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 20 Nov 2026 10:30:00 +0000"
    msg["Message-ID"] = f"<{subject.replace(' ', '.')}@practice.example.org>"
    maintype, subtype = "application", "pkcs7-mime"
    msg.set_content(body, maintype=maintype, subtype=subtype, filename="smime.p7m")
    msg.replace_header("Content-Type", content_type)
    return msg.as_bytes()


def encrypted_mail(subject: str = "encrypted forms") -> bytes:
    """An S/MIME enveloped-data message (its content is never opened)."""
    info = cms.ContentInfo(
        {
            "content_type": "enveloped_data",
            "content": cms.EnvelopedData(
                {
                    "version": "v0",
                    "recipient_infos": [],
                    "encrypted_content_info": {
                        "content_type": "data",
                        "content_encryption_algorithm": {"algorithm": "aes256_cbc"},
                        "encrypted_content": b"\x00" * 32,
                    },
                }
            ),
        }
    )
    return _smime_message(
        'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
        info.dump(),
        subject,
    )


def opaque_signed_mail(inner: bytes, subject: str = "signed forms") -> bytes:
    """An opaque S/MIME signed-data message wrapping the MIME entity ``inner``
    (no signer: intake does not check signatures)."""
    signed = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "data", "content": inner},
            "signer_infos": [],
        }
    )
    info = cms.ContentInfo({"content_type": "signed_data", "content": signed})
    return _smime_message(
        'application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"', info.dump(), subject
    )


def detached_signed_mail(*attachments: tuple[str, bytes, str]) -> bytes:
    """A multipart/signed message: the signed entity, then its signature."""
    signed = EmailMessage()
    signed.set_content("Forms attached.\n")
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        signed.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    outer = EmailMessage()
    outer["From"] = SENDER
    outer["Subject"] = "signed"
    outer["Date"] = WHEN.strftime("%a, %d %b %Y %H:%M:%S +0000")
    outer.make_mixed()
    outer.set_type("multipart/signed")
    outer.set_param("protocol", "application/pkcs7-signature")
    outer.attach(signed)
    signature = EmailMessage()
    signature.set_content(
        b"0\x80", maintype="application", subtype="pkcs7-signature", filename="smime.p7s"
    )
    outer.attach(signature)
    return outer.as_bytes()
