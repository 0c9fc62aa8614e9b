"""SyncService (branch side): plan, export, history, and district packages coming back."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pytest

from desktop.domain.errors import LedgerError
from desktop.services.district import DistrictService, Notice, enroll_branch

TODAY = dt.date(2026, 11, 21)
BRANCH_SECRET = "branch-secret"
DISTRICT_SECRET = "district-secret"


@pytest.fixture
def district(tmp_path: Path):
    service = DistrictService(tmp_path / "district", today=lambda: TODAY)
    service.init(DISTRICT_SECRET)
    yield service
    service.close()


@pytest.fixture
def enrolled(demo_copy, district):  # type: ignore[no-untyped-def]
    enroll_branch(district, demo_copy, code="B001", branch_passphrase=BRANCH_SECRET,
                  district_passphrase=DISTRICT_SECRET)
    return demo_copy


def test_plan_without_a_district_certificate_says_what_is_missing(demo_copy) -> None:  # type: ignore[no-untyped-def]
    plan = demo_copy.sync.plan_export()
    assert plan.sequence == 1 and plan.previous_hash is None
    assert any("证书" in p for p in plan.problems)
    with pytest.raises(LedgerError, match="证书"):
        demo_copy.sync.export_package(Path("/nonexistent"), passphrase=BRANCH_SECRET)


def test_export_writes_a_package_the_district_accepts(enrolled, district, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = enrolled.sync.plan_export()
    tables = dict(plan.tables)
    assert plan.branch_code == "B001" and not plan.problems
    assert tables["member"] == len(enrolled.roster.list_members())
    steps: list[str] = []
    sent = enrolled.sync.export_package(tmp_path / "usb", passphrase=BRANCH_SECRET,
                                        progress=lambda done, total, label: steps.append(label))
    assert sent.path == tmp_path / "usb" / "B001-00001-20261121.zip" and sent.path.exists()
    assert steps[0] == "读取变更的记录" and steps[-1] == "完成"
    assert sent.file_sha256 == hashlib.sha256(sent.path.read_bytes()).hexdigest()
    assert sent.record_count == plan.record_count
    assert enrolled.sync.history() == [sent]
    names = zipfile.ZipFile(sent.path).namelist()
    assert "B001-00001-20261121/data/records/member.json" in names
    assert "B001-00001-20261121/data/audit/entries.json" in names
    assert "B001-00001-20261121/data/ledgers/roster-2026.pdf" in names  # signed by the ledger service
    assert enrolled.ledgers.is_locked("member", 1)  # what went out is locked
    result = district.import_packages([sent.path])[0]
    assert result.status == "imported", result.message
    members = district.store.rows_of("B001", "member")
    assert len(members) == len(enrolled.roster.list_members())
    assert district.summary_rows(2026)[0].members == len(enrolled.roster.members_on(TODAY))


def test_reexport_gets_a_new_sequence_linked_to_the_previous_one(enrolled, district, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = enrolled.sync.export_package(tmp_path / "usb", passphrase=BRANCH_SECRET, with_ledgers=False)
    first_bytes = first.path.read_bytes()
    enrolled.branch.set_setting("sync.test", "changed")
    plan = enrolled.sync.plan_export()
    assert plan.sequence == 2 and plan.previous_hash == first.package_hash and plan.since_seq == 1
    assert dict(plan.tables).get("member", 0) < len(enrolled.roster.list_members())  # only what changed
    second = enrolled.sync.export_package(tmp_path / "usb", passphrase=BRANCH_SECRET, with_ledgers=False)
    again = enrolled.sync.export_package(tmp_path / "usb", passphrase=BRANCH_SECRET, since_seq=0, with_ledgers=False)
    assert [p.sequence for p in enrolled.sync.history()] == [3, 2, 1]
    assert second.previous_hash == first.package_hash and again.previous_hash == second.package_hash
    assert again.record_count >= first.record_count  # since 0 = everything again
    assert first.path.read_bytes() == first_bytes
    results = district.import_packages([again.path, first.path, second.path])
    assert [r.status for r in results] == ["imported"] * 3
    assert enrolled.sync.home_items() == []
    enrolled.ctx._today = lambda: TODAY + dt.timedelta(days=60)  # two months without a package
    [item] = enrolled.sync.home_items()
    assert item.area == "ledgers" and "第 3 号" in item.text and "60 天" in item.text


def test_cancel_or_wrong_passphrase_leaves_nothing(enrolled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "usb"
    with pytest.raises(LedgerError, match="已取消"):
        enrolled.sync.export_package(out, passphrase=BRANCH_SECRET, progress=lambda d, t, label: d < 3)
    with pytest.raises(LedgerError, match="口令"):
        enrolled.sync.export_package(out, passphrase="wrong-secret")
    assert enrolled.sync.history() == []
    assert not list(out.glob("*")) if out.exists() else True


def _transfer() -> dict:
    return {"name": "韩玥", "sex": "女", "birth_date": "1994-03-08", "stage": "正式党员", "category": "在职",
            "joined_on": "2018-06-20", "confirmed_on": "2019-06-20",
            "transfer": {"transfer_date": "2026-11-10", "organization": "某街道党工委", "letter_number": "转字2026-18"}}


def test_district_package_preview_apply_and_idempotence(enrolled, district, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    attachment = tmp_path / "通知附件.txt"
    attachment.write_text("附件内容", encoding="utf-8")
    path = district.build_notice("B001", tmp_path / "outbox", passphrase=DISTRICT_SECRET,
                                 notices=[Notice("关于开展民主评议的通知", "请于12月底前完成。", TODAY, (attachment,))],
                                 transfers_in=[_transfer()], evaluation=(2025, "好", None))
    members_before = len(enrolled.roster.list_members())
    preview = enrolled.sync.import_district_package(path)
    assert not preview.already_applied
    assert preview.notices == (("关于开展民主评议的通知", 1),) and preview.transfers_in == ("韩玥",)
    assert preview.evaluation == (2025, "好")
    assert len(enrolled.roster.list_members()) == members_before  # preview writes nothing
    enrolled.sync.apply_district_package(path)
    members = enrolled.roster.list_members()
    assert len(members) == members_before + 1
    newcomer = next(m for m in members if m.name == "韩玥")
    assert any(t.member_id == newcomer.id and t.direction == "转入" and t.organization == "某街道党工委"
               and t.letter_number == "转字2026-18" for t in enrolled.roster.transfers())
    notice = enrolled.sync.notices()[0]
    assert notice.title == "关于开展民主评议的通知"
    stored = enrolled.ctx.folder.attachments / notice.attachments[0]["sha256"][:2] / notice.attachments[0]["sha256"]
    assert stored.read_text(encoding="utf-8") == "附件内容"
    assert enrolled.sync.evaluations() == {2025: "好"}
    again = enrolled.sync.apply_district_package(path)
    assert again.already_applied
    assert len(enrolled.roster.list_members()) == members_before + 1 and len(enrolled.sync.notices()) == 1


def test_district_package_for_another_branch_or_going_backwards_is_refused(enrolled, district, demo_copy,  # type: ignore[no-untyped-def]
                                                                          tmp_path: Path) -> None:
    first = district.build_notice("B001", tmp_path / "o", passphrase=DISTRICT_SECRET, evaluation=(2025, "好", None))
    second = district.build_notice("B001", tmp_path / "o", passphrase=DISTRICT_SECRET, evaluation=(2025, "较好", None))
    enrolled.sync.apply_district_package(second)
    with pytest.raises(LedgerError, match="序号倒退"):
        enrolled.sync.import_district_package(first)
    assert enrolled.sync.evaluations() == {2025: "较好"}
    # a package addressed to another branch
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "第二支部")]))
           .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    district.issue_certificate(csr, code="B002", passphrase=DISTRICT_SECRET)
    other = district.build_notice("B002", tmp_path / "o2", passphrase=DISTRICT_SECRET, evaluation=(2025, "差", None))
    with pytest.raises(LedgerError, match="发给支部 B002"):
        enrolled.sync.apply_district_package(other)
    assert enrolled.sync.evaluations() == {2025: "较好"}


def test_branch_package_is_not_accepted_as_a_district_package(enrolled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sent = enrolled.sync.export_package(tmp_path / "usb", passphrase=BRANCH_SECRET, with_ledgers=False)
    with pytest.raises(LedgerError, match="包类型"):
        enrolled.sync.import_district_package(sent.path)


SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def _conforms(value, schema: dict, where: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """A small JSON Schema subset (what docs/schemas uses): enough to catch a drift of the format."""
    import re

    problems: list[str] = []
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    if "const" in schema and value != schema["const"]:
        return [f"{where}: {value!r} != {schema['const']!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in enum"]
    if "oneOf" in schema:
        return [] if any(not _conforms(value, s, where) for s in schema["oneOf"]) else [f"{where}: matches no oneOf"]
    types = schema.get("type")
    if types is not None:
        allowed = types if isinstance(types, list) else [types]
        ok = any((t == "integer" and isinstance(value, int) and not isinstance(value, bool))
                 or (t == "number" and isinstance(value, int | float) and not isinstance(value, bool))
                 or (t in kinds and isinstance(value, kinds[t])) for t in allowed)
        if not ok:
            return [f"{where}: {value!r} is not {allowed}"]
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        problems += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                problems += _conforms(item, properties[key], f"{where}.{key}")
            elif extra is False:
                problems.append(f"{where}: unexpected {key}")
            elif isinstance(extra, dict):
                problems += _conforms(item, extra, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += _conforms(item, schema["items"], f"{where}[{i}]")
    return problems


def test_package_files_follow_the_documented_schemas(enrolled, district, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    attachment = tmp_path / "a.txt"
    attachment.write_text("x", encoding="utf-8")
    sent = enrolled.sync.export_package(tmp_path / "usb", passphrase=BRANCH_SECRET, with_ledgers=False)
    notice = district.build_notice("B001", tmp_path / "o", passphrase=DISTRICT_SECRET,
                                   notices=[Notice("通知", "正文", TODAY, (attachment,))], transfers_in=[_transfer()],
                                   evaluation=(2025, "好", None))
    schema_of = {"records": "records", "audit": "audit", "figures.json": "figures", "notices.json": "notices",
                 "transfers_in.json": "transfers_in", "evaluation.json": "evaluation"}
    checked = 0
    for path in (sent.path, notice):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                parts = name.split("/")
                key = parts[2] if len(parts) > 3 else parts[-1]
                if parts[1] != "data" or key not in schema_of:
                    continue
                schema = json.loads((SCHEMAS / f"{schema_of[key]}.schema.json").read_text(encoding="utf-8"))
                assert _conforms(json.loads(archive.read(name)), schema, name) == []
                checked += 1
    assert checked >= 8
