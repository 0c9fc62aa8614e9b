"""PDF signatures with pyHanko: PAdES B-B over the whole file, a visible stamp on the last page,
and validation through pyHanko's own validator.

A signed file is written to a temporary name and renamed (a failed `sign_pdf` leaves a 0-byte
output). Validation is judged by pyHanko's `bottom_line` AND whole-file coverage, since bytes
appended after the signature still read as "valid" otherwise. No network is ever used."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from desktop.domain.errors import LedgerError
from desktop.sync.identity import SigningIdentity, fingerprint, is_self_signed, short_fingerprint, subject_name

FIELD_NAME = "BranchLedgerSignature"
STAMP_BOX_PORTRAIT = (313, 46, 553, 118)  # lower right of the last A4 page, above the footer
STAMP_BOX_LANDSCAPE = (559, 46, 799, 118)


@dataclass(frozen=True)
class PdfVerification:
    """What the app says about a PDF: signed?, by whom, intact, trusted, whole file covered."""

    path: Path
    signed: bool
    signer: str | None = None
    fingerprint: str | None = None
    signing_time: dt.datetime | None = None
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    self_signed: bool = False
    signatures: int = 0

    @property
    def ok(self) -> bool:
        """Valid, intact, trusted and covering the whole file: what `verify` exits 0 for."""
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file

    @property
    def summary(self) -> str:
        if not self.signed:
            return "此 PDF 没有数字签名。"
        parts = [f"签名者：{self.signer or '（未知）'}"]
        if self.signing_time:
            parts.append(f"签名时间：{self.signing_time.astimezone().strftime('%Y-%m-%d %H:%M')}")
        if not self.intact or not self.valid:
            parts.append("签名无效：签名后文件内容已被改动")
        elif not self.whole_file:
            parts.append("签名本身完好，但签名之后文件又被追加修改：签名未覆盖整个文件")
        else:
            parts.append("文件完整，签名后未被改动")
        if self.trusted and self.self_signed:
            parts.append("证书为支部自签名，按所给证书信任。")
        elif self.trusted:
            parts.append("证书由区级 CA 签发，可信。")
        elif self.self_signed:
            parts.append("证书为支部自签名，未经区级认证。")
        else:
            parts.append("证书不受信任（未由所给的区级 CA 签发）。")
        return "；".join(parts)


def _asn1_names_ready() -> None:
    """pyHanko (via asn1crypto.tsp and its own modules) adds OID names to asn1crypto's maps when
    imported. If anything used one of those types earlier (e.g. the exchange package's CMS code),
    asn1crypto has cached a reverse map without the new names and signing fails with
    "invalid literal for int() … 'signing_certificate_v2'": rebuild the stale caches."""
    import asn1crypto.tsp  # noqa: F401 - registers signing_certificate_v2 and friends
    import pyhanko.sign  # noqa: F401
    from asn1crypto import core

    pending = list(core.ObjectIdentifier.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        mapping = cls.__dict__.get("_map")
        reverse = cls.__dict__.get("_reverse_map")
        if mapping is not None and reverse is not None and len(reverse) != len(set(mapping.values())):
            cls._reverse_map = {value: key for key, value in mapping.items()}


def _asn1_cert(cert: x509.Certificate):  # type: ignore[no-untyped-def]
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key):  # type: ignore[no-untyped-def]
    from asn1crypto import keys as asn1_keys

    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return asn1_keys.PrivateKeyInfo.load(der)


def stamp_text(identity: SigningIdentity, *, branch: str, secretary: str | None, when: dt.datetime) -> str:
    lines = [
        f"数字签名：{branch}",
        f"支部书记：{secretary or '（未设置）'}",
        f"签名时间：{when.astimezone().strftime('%Y-%m-%d %H:%M')}",
        f"证书指纹：{short_fingerprint(identity.certificate)}",
    ]
    lines.append("未经区级认证（自签名证书）" if identity.self_signed else "证书由区级 CA 签发")
    return "\n".join(lines)


# What changes from one signature to the next (time, fingerprint) is drawn from these, so the
# subset made for a branch's stamp is reused; the rest comes from the stamp text itself.
_STAMP_FIXED = "0123456789ABCDEF:- ：（）"
_font_cache: dict[frozenset[str], Path] = {}


def stamp_font(text: str) -> Path:
    """A small subset of the bundled font with the stamp's characters: embedding the whole
    3 MB font costs ~0.9 s per signature, the subset a few ms. Cached per character set, so a
    branch pays the subsetting (~0.2 s) once per run."""
    import io
    import tempfile

    from fontTools import subset
    from fontTools.ttLib import TTFont

    from desktop.resources import font_path

    chars = frozenset(_STAMP_FIXED + text) - {"\n"}
    cached = _font_cache.get(chars)
    if cached is not None and cached.exists():
        return cached
    font = TTFont(str(font_path()), lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:  # pyHanko's widths assume 1000 units per em (ours has 2048)
        from fontTools.ttLib.scaleUpem import scale_upem

        scale_upem(font, 1000)
    buffer = io.BytesIO()
    font.save(buffer)
    handle, name = tempfile.mkstemp(prefix="branch-ledger-stamp-", suffix=".ttf")
    with os.fdopen(handle, "wb") as out:
        out.write(buffer.getvalue())
    _font_cache[chars] = Path(name)
    return Path(name)


def _is_landscape(reader) -> bool:  # type: ignore[no-untyped-def]
    try:
        page = reader.root["/Pages"]
        last = reader.find_page_for_modification(-1)[0].get_object()
        box = last.get("/MediaBox") or page.get("/MediaBox")
        return float(box[2]) - float(box[0]) > float(box[3]) - float(box[1])
    except Exception:  # noqa: BLE001 - fall back to the portrait position
        return False


def sign_pdf(src: Path, out: Path, identity: SigningIdentity, *, branch: str, secretary: str | None,
             when: dt.datetime | None = None) -> Path:
    """Sign `src` into `out` (may be the same path) with a visible stamp on the last page."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if identity.private_key is None:
        raise LedgerError("签名需要私钥：请输入口令后再签名。")
    _asn1_names_ready()
    src, out = Path(src), Path(out)
    when = when or dt.datetime.now(dt.timezone.utc)
    # Only the signer's certificate goes in: a CA copy in the signature would be bytes no
    # signature covers (a changed byte there still validates); verifiers bring the CA themselves.
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(identity.certificate),
        signing_key=_asn1_key(identity.private_key),
        cert_registry=SimpleCertificateStore.from_certs([]),
        embed_roots=False,
    )
    text = stamp_text(identity, branch=branch, secretary=secretary, when=when)
    style = TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font(text)), font_size=9), font_size=9),
        border_width=1,
        background=None,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason="支部工作台账", location=branch,
    )
    partial = out.with_name(out.name + ".signing")
    try:
        with open(src, "rb") as inf:
            try:
                writer = IncrementalPdfFileWriter(inf, strict=False)
            except Exception as exc:  # noqa: BLE001 - pyHanko raises several kinds on a non-PDF
                raise LedgerError(f"{src.name} 不是有效的 PDF 文件，无法签名。") from exc
            box = STAMP_BOX_LANDSCAPE if _is_landscape(writer.prev) else STAMP_BOX_PORTRAIT
            spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=box)
            pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec)
            with open(partial, "wb") as outf:
                pdf_signer.sign_pdf(writer, output=outf)
                outf.flush()
                os.fsync(outf.fileno())
        os.replace(partial, out)
    except LedgerError:
        partial.unlink(missing_ok=True)
        raise
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise LedgerError(f"无法写入 {out}：{exc.strerror or exc}（磁盘已满或没有写入权限？）") from exc
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise LedgerError(f"签名失败：{type(exc).__name__}: {exc}。文件未写出。") from exc
    return out


def _slack_is_zero(data: bytes, embedded) -> bool:  # type: ignore[no-untyped-def]
    """The signature's /Contents is reserved larger than the CMS it holds; the zero padding after
    the CMS is covered by nothing, so a changed byte there must be refused by us."""
    try:
        byte_range = [int(v) for v in embedded.sig_object["/ByteRange"]]
        hex_text = data[byte_range[1]:byte_range[2]].strip().lstrip(b"<").rstrip(b">")
        raw = bytes.fromhex(hex_text.decode("ascii"))
    except (KeyError, ValueError, IndexError, UnicodeDecodeError):
        return False
    if len(raw) < 2 or raw[0] != 0x30:
        return False
    first = raw[1]
    if first < 0x80:
        end = 2 + first
    else:
        count = first & 0x7F
        end = 2 + count + int.from_bytes(raw[2:2 + count], "big")
    return end <= len(raw) and not any(raw[end:]) and _cms_is_consistent(raw[:end])


def _cms_is_consistent(der: bytes) -> bool:
    """Fields of the CMS envelope that no signature covers and pyHanko does not check: the outer
    content type, the SignedData version and its digest-algorithm list must be what we write."""
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(der, strict=True)
        if cms.ContentInfo.load(der).dump(force=True) != der:  # lengths and padding as written
            return False
        if info["content_type"].native != "signed_data":
            return False
        signed = info["content"]
        if signed["version"].native not in ("v1", "v3"):
            return False
        if signed["encap_content_info"]["content_type"].native != "data":
            return False
        signer_infos = signed["signer_infos"]
        declared = {a.dump() for a in signed["digest_algorithms"]}
        used = {si["digest_algorithm"].dump() for si in signer_infos}
        return declared == used and all(si["version"].native in ("v1", "v3") for si in signer_infos)
    except Exception:  # noqa: BLE001 - anything unparsable is not consistent
        return False


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """pyHanko logs an untrusted (e.g. self-signed) certificate with a traceback: the result says
    it, so keep the log (and the CLI's stderr) clean while validating."""
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def verify_pdf(path: Path, trust_roots: list[x509.Certificate]) -> PdfVerification:
    """Validate every signature of `path` with pyHanko (no network). Trusted means the signer's
    certificate chains to one of `trust_roots`."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    _asn1_names_ready()
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise LedgerError(f"找不到文件 {path}。") from exc
    except OSError as exc:
        raise LedgerError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    if not data.lstrip()[:5] == b"%PDF-":
        raise LedgerError(f"{path.name} 不是 PDF 文件（文件开头没有 %PDF 标记）。")
    import io

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001
        raise LedgerError(f"{path.name} 已损坏，无法作为 PDF 读取：{exc}") from exc
    if not signatures:
        return PdfVerification(path, signed=False)
    roots = [_asn1_cert(c) for c in trust_roots]
    results = []
    with _quiet("pyhanko", "pyhanko_certvalidator"):
        for embedded in signatures:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            try:
                status = validate_pdf_signature(embedded, context)
            except Exception:  # noqa: BLE001 - a mangled signature is an invalid one
                results.append(None)
                continue
            results.append(status)
    last = results[-1]
    if last is None or not all(_slack_is_zero(data, e) for e in signatures):
        return PdfVerification(path, signed=True, signatures=len(signatures))
    cert = x509.load_der_x509_certificate(last.signing_cert.dump())
    all_sound = all(r is not None and r.bottom_line for r in results)
    return PdfVerification(
        path,
        signed=True,
        signer=subject_name(cert),
        fingerprint=fingerprint(cert),
        signing_time=last.signer_reported_dt,
        intact=all(r is not None and r.intact for r in results),
        valid=all(r is not None and r.valid for r in results),
        trusted=all_sound and all(r.trusted for r in results if r is not None),
        whole_file=last.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        self_signed=is_self_signed(cert),
        signatures=len(signatures),
    )


def append_pages(target: Path, extra: Path) -> None:
    """Append every page of `extra` to the end of `target` (before signing), as an incremental
    update; `target` is rewritten through a temporary file."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    target, extra = Path(target), Path(extra)
    writer = IncrementalPdfFileWriter(io.BytesIO(target.read_bytes()), strict=False)
    reader = PdfFileReader(io.BytesIO(extra.read_bytes()), strict=False)
    count = int(reader.root["/Pages"]["/Count"])
    for index in range(count):
        page = reader.find_page_for_modification(index)[0].get_object()
        box = generic.ArrayObject([generic.FloatObject(float(v)) for v in page["/MediaBox"]])
        xobject = writer.import_page_as_xobject(reader, page_ix=index)
        content = writer.add_object(generic.StreamObject(stream_data=b"q /Appendix Do Q"))
        new_page = generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): box,
            generic.NameObject("/Resources"): generic.DictionaryObject({
                generic.NameObject("/XObject"): generic.DictionaryObject({generic.NameObject("/Appendix"): xobject}),
            }),
            generic.NameObject("/Contents"): content,
        })
        writer.insert_page(new_page)
    partial = target.with_name(target.name + ".appending")
    try:
        with open(partial, "wb") as out:
            writer.write(out)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise LedgerError(f"无法写入 {target}：{exc.strerror or exc}") from exc
