"""Signed and re-saved forms: PAdES signatures by pyHanko, incremental updates by pypdf.

The signing certificate is self-signed, made on the fly from a fixed EC
key, so the signer is the same every run (the signature bytes are not:
ECDSA and the signing time differ). An incremental update appends a new
revision after the first ``%%EOF``, as a viewer does when it saves an edit;
the latest revision is what a viewer shows.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping

import pypdf
from asn1crypto import keys, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import images
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sample_forms.generate import render as render_sample
from sample_forms.producers import acroform
from sample_forms.producers.html import signature_png
from sample_forms.scenarios import Request, Sample, Style

Values = Mapping[str, str | bool | None]

#: The fixed private scalar of the test signer's P-256 key (any number below the order).
TEST_KEY = 0x5EED_0F_5167_4E5_7E57


def test_signer(name: str) -> signers.SimpleSigner:
    """A pyHanko signer with a self-signed certificate for ``name``."""
    key = ec.derive_private_key(TEST_KEY, ec.SECP256R1())
    subject = cx509.Name(
        [
            cx509.NameAttribute(NameOID.COMMON_NAME, name),
            cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test signer, not a real identity"),
        ]
    )
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        cx509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(0x2026_0001)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=5 * 365))
        .add_extension(
            cx509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert = x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    private = keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        signing_cert=cert,
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([cert]),
    )


def pades_signed(values: Values, naming: str, appearance: str) -> bytes:
    """A fillable form whose /Sig field the authoriser signed with PAdES.

    ``appearance``: ``text`` (pyHanko's "Digitally signed by" stamp) or
    ``image`` (the stamp text over a scribbled signature image).
    """
    unsigned = dict(values, signature=False)
    pdf = acroform.fillable_pdf(unsigned, naming, "sig")
    if not values["signature"]:
        return pdf
    name = str(values["authoriser_name"])
    style = TextStampStyle(
        stamp_text="Digitally signed by %(signer)s\nDate: %(ts)s",
        timestamp_format="%d/%m/%Y %H:%M",
        border_width=1,
    )
    if appearance == "image":
        picture = images.PdfImage(_pil(signature_png()))
        style = TextStampStyle(
            stamp_text=" ",
            border_width=0,
            background=picture,
            background_opacity=1.0,
        )
    meta = signers.PdfSignatureMetadata(
        field_name="signature",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Authorising the User Administrator request",
        name=name,
    )
    signer = signers.PdfSigner(meta, test_signer(name), stamp_style=style)
    out = io.BytesIO()
    signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
    return out.getvalue()


def _pil(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def field_corrected(values: Values, first: Mapping[str, str], naming: str) -> bytes:
    """A fillable form saved with ``first``'s values, then corrected to ``values``.

    The correction is an incremental update that rewrites the changed
    fields' values and appearances.
    """
    pdf = acroform.fillable_pdf(dict(values, **first), naming, "typed")
    writer = pypdf.PdfWriter(io.BytesIO(pdf), incremental=True)
    changed = {acroform.field_name(key, naming): str(values[key]) for key in first}
    writer.update_page_form_field_values(writer.pages[0], changed, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_corrected(values: Values, first: Mapping[str, str], style: Style) -> bytes:
    """A printed (text) form saved with ``first``'s values, then its page edited.

    The edit is an incremental update replacing the page's content stream,
    as a viewer's "edit text" tool saves it: the first revision still holds
    the old text.
    """

    def drawn(raw: Values) -> bytes:
        request = Request("edited", "edited", (), raw, style)
        return render_sample(Sample("edited_form.pdf", (request,)))

    old = drawn(dict(values, **first))
    new = pypdf.PdfReader(io.BytesIO(drawn(values))).pages[0]
    writer = pypdf.PdfWriter(io.BytesIO(old), incremental=True)
    page = writer.pages[0]
    page.replace_contents(new.get_contents())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
