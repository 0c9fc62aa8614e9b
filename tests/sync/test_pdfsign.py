"""PDF signatures judged by pyHanko's own validator and command line, not only by our code."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.errors import LedgerError
from desktop.sync import identity, pdfsign

TODAY = dt.date(2026, 11, 21)
PASS = "correct horse"
BRANCH = "某某科技有限公司第一党支部"


def _ca_helpers():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).parent))
    import test_identity

    return test_identity


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    from desktop.ledgers.layout import PageInfo, build_pdf, para, styles

    helpers = _ca_helpers()
    folder = tmp_path_factory.mktemp("sign")
    keys = folder / "keys"
    identity.create_identity(keys, PASS, branch_name=BRANCH, secretary="王喆", today=TODAY)
    ca_key, ca_cert = helpers.make_ca()
    identity.import_certificate(keys, helpers.issue(ca_key, ca_cert, identity.make_csr(keys, PASS)),
                                helpers.pem(ca_cert), today=TODAY)
    ident = identity.load_identity(keys, PASS)
    body = styles()["body"]
    plain = build_pdf(folder / "plain.pdf", PageInfo("测试台账", BRANCH, TODAY), [para(f"第 {i} 行 喆堃玥", body) for i in range(60)])
    out = pdfsign.sign_pdf(plain, folder / "signed.pdf", ident, branch=BRANCH, secretary="王喆")
    (folder / "ca.pem").write_bytes(helpers.pem(ca_cert))
    return Signed(folder=folder, path=out, ca=ca_cert, identity=ident, plain=plain, bytes=out.read_bytes())


class Signed(dict):
    """The module's signed ledger (a dict with a short repr for hypothesis' reports)."""

    def __init__(self, **values) -> None:  # type: ignore[no-untyped-def]
        super().__init__(values)

    def __repr__(self) -> str:
        return f"Signed({self['path']})"


def pyhanko_status(path: Path, ca):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with open(path, "rb") as handle:
        reader = PdfFileReader(handle)
        return validate_pdf_signature(reader.embedded_signatures[0],
                                      ValidationContext(trust_roots=[pdfsign._asn1_cert(ca)]))


def test_signed_ledger_is_valid_for_pyhankos_validator(signed: dict) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = pyhanko_status(signed["path"], signed["ca"])
    assert status.bottom_line and status.intact and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    ours = pdfsign.verify_pdf(signed["path"], [signed["ca"]])
    assert ours.ok and ours.signer == BRANCH and not ours.self_signed
    assert "文件完整" in ours.summary and "区级 CA" in ours.summary


def test_visible_stamp_is_on_the_last_page(signed: dict) -> None:
    from pypdf import PdfReader

    reader = PdfReader(signed["path"])
    last = reader.pages[-1]
    widgets = [a.get_object() for a in last.get("/Annots", [])]
    stamp = next(w for w in widgets if w.get("/FT") == "/Sig" or w.get("/Parent", {}).get("/FT") == "/Sig"
                 or "/AP" in w)
    assert [round(float(v)) for v in stamp["/Rect"]] == list(pdfsign.STAMP_BOX_PORTRAIT)
    assert all("/Annots" not in p or not p["/Annots"] for p in reader.pages[:-1])
    text = pdfsign.stamp_text(signed["identity"], branch=BRANCH, secretary="王喆", when=dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.timezone.utc))
    assert "王喆" in text and identity.short_fingerprint(signed["identity"].certificate) in text
    assert "未经区级认证" not in text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True), xor=st.integers(min_value=1, max_value=255))
def test_any_flipped_byte_makes_it_invalid(signed: dict, tmp_path_factory: pytest.TempPathFactory,
                                           position: float, xor: int) -> None:
    data = bytearray(signed["bytes"])
    index = int(position * len(data))
    data[index] ^= xor
    path = tmp_path_factory.mktemp("flip") / "flipped.pdf"
    path.write_bytes(bytes(data))
    try:
        result = pdfsign.verify_pdf(path, [signed["ca"]])
    except LedgerError:
        return  # no longer readable as a PDF: certainly not valid
    assert not result.ok, f"byte {index} flipped and still valid"


def test_incremental_update_after_signing_is_reported(signed: dict, tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed["bytes"]))
    writer.set_info(generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("改过的标题")}))
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "updated.pdf"
    path.write_bytes(buffer.getvalue())
    result = pdfsign.verify_pdf(path, [signed["ca"]])
    assert result.intact and not result.whole_file and not result.ok
    assert "追加修改" in result.summary
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(signed["bytes"] + b"\n% appended after signing\n")
    assert not pdfsign.verify_pdf(appended, [signed["ca"]]).ok


def test_pyhanko_command_line_validates_with_the_district_ca(signed: dict, tmp_path: Path) -> None:
    cli = Path(sys.executable).parent / "pyhanko"
    args = [str(cli), "sign", "validate", "--pretty-print", "--trust", str(signed["folder"] / "ca.pem"), "--trust-replace"]
    good = subprocess.run([*args, str(signed["path"])], capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stdout + good.stderr
    data = bytearray(signed["bytes"])
    data[len(data) // 3] ^= 0x20
    bad_path = tmp_path / "bad.pdf"
    bad_path.write_bytes(bytes(data))
    bad = subprocess.run([*args, str(bad_path)], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0


def test_self_signed_is_untrusted_without_a_ca(tmp_path: Path, signed: dict) -> None:
    ident = identity.create_identity(tmp_path / "k", PASS, branch_name=BRANCH, secretary=None, today=TODAY)
    out = pdfsign.sign_pdf(signed["plain"], tmp_path / "self.pdf", ident, branch=BRANCH, secretary=None)
    result = pdfsign.verify_pdf(out, [signed["ca"]])
    assert result.intact and result.whole_file and result.self_signed and not result.trusted and not result.ok
    assert "未经区级认证" in result.summary


def test_unsigned_pdf_and_non_pdf(signed: dict, tmp_path: Path) -> None:
    assert not pdfsign.verify_pdf(signed["plain"], [signed["ca"]]).signed
    junk = tmp_path / "notes.pdf"
    junk.write_text("这不是 PDF", encoding="utf-8")
    with pytest.raises(LedgerError, match="不是 PDF"):
        pdfsign.verify_pdf(junk, [signed["ca"]])
    out = tmp_path / "out.pdf"
    with pytest.raises(LedgerError, match="不是有效的 PDF"):
        pdfsign.sign_pdf(junk, out, signed["identity"], branch=BRANCH, secretary=None)
    assert not out.exists() and not list(tmp_path.glob("*.signing"))
