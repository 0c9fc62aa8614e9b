"""Exchange packages: a BagIt bag (RFC 8493, SHA-256) serialized as one canonical zip.

Layout inside `<stem>.zip` (stem = `<code>-<sequence>-<date>`):

    <stem>/bagit.txt
    <stem>/bag-info.txt
    <stem>/manifest-sha256.txt
    <stem>/tagmanifest-sha256.txt
    <stem>/tagmanifest-sha256.txt.p7s      detached CMS signature of the tag manifest
    <stem>/data/...                        the payload

The bag is written here directly (no temporary folder): the result passes the `bagit` library's
own validation once unzipped. The zip is *canonical*: stored (no compression), fixed timestamps,
members in sorted order, no extra fields. A reader rebuilds those bytes from the members and
refuses any difference, so a changed byte anywhere in the file is caught: in a member by its
SHA-256 (and the zip CRC), in the zip's framing by the canonical comparison.

The package's hash (its identity, the "previous package hash" of the next one) is the SHA-256 of
its tag manifest, which covers the payload manifest, which covers every payload file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain.errors import LedgerError

SCHEMA_VERSION = 1  # of the records/notice JSON files inside the payload
BRANCH_KIND = "branch-report"  # a branch's package to the district (上报)
NOTICE_KIND = "district-notice"  # the district's package to one branch (下发)
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SIGNATURE_NAME = "tagmanifest-sha256.txt.p7s"
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
_STEM = re.compile(r"^[A-Za-z0-9_.\-]+$")
_PAYLOAD_NAME = re.compile(r"^data/[A-Za-z0-9_.\-/]+$")
MAX_MEMBER = 2**31  # no zip64


class PackageError(LedgerError):
    """A package that fails a check; the message names the file and the check."""


@dataclass(frozen=True)
class Package:
    """A package read and checked (fixity, completeness, canonical form), not yet its signature."""

    name: str  # the zip's file name
    stem: str
    bag_info: dict[str, str]
    payload: dict[str, bytes | memoryview]  # "data/..." -> content (ledger PDFs: views into the file)
    tagmanifest: bytes
    signature: bytes
    size: int
    package_hash: str = field(default="")

    def info(self, key: str, default: str | None = None) -> str | None:
        return self.bag_info.get(key, default)

    def require(self, key: str) -> str:
        value = self.bag_info.get(key)
        if not value:
            raise PackageError(f"{self.name}：bag-info.txt 缺少必填项 {key}")
        return value


def package_stem(code: str, sequence: int, day: dt.date) -> str:
    stem = f"{code}-{sequence:05d}-{day.strftime('%Y%m%d')}"
    if not _STEM.match(stem):
        raise PackageError(f"支部代码“{code}”含有不能用于文件名的字符（只允许字母、数字、-、_、.）")
    return stem


# -- writing -----------------------------------------------------------------------------------------

def bag_info_text(info: Mapping[str, str]) -> bytes:
    lines = []
    for key, value in info.items():
        text = str(value).replace("\r", " ").replace("\n", " ")
        lines.append(f"{key}: {text}\n")
    return "".join(lines).encode("utf-8")


def manifest_text(files: Mapping[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())).encode()


def build_bag(payload: Mapping[str, bytes], info: Mapping[str, str],
              sign: Callable[[bytes], bytes]) -> tuple[dict[str, bytes], str]:
    """The bag's files (relative names → bytes) and the package hash."""
    for name in payload:
        if not _PAYLOAD_NAME.match(name) or ".." in name.split("/"):
            raise PackageError(f"包内文件名“{name}”不合规（应为 data/ 下的 ASCII 名称）")
    from desktop.sync import cms

    octets = sum(len(d) for d in payload.values())
    full_info = dict(info)
    full_info["Bagging-Date"] = full_info.get("Bagging-Date") or dt.date.today().isoformat()
    if full_info.get("Export-Time"):
        try:
            moment = cms.parse_utc(full_info["Export-Time"])
        except ValueError:
            raise PackageError(f"导出时间“{full_info['Export-Time']}”不是 ISO 8601 时间") from None
    else:
        try:
            moment = cms.signing_moment(dt.date.fromisoformat(full_info["Bagging-Date"]))
        except ValueError:
            raise PackageError(f"打包日期“{full_info['Bagging-Date']}”不是日期") from None
        full_info["Export-Time"] = cms.utc_text(moment)
    full_info["Payload-Oxum"] = f"{octets}.{len(payload)}"
    tags = {
        "bagit.txt": BAGIT_TXT,
        "bag-info.txt": bag_info_text(full_info),
        "manifest-sha256.txt": manifest_text(payload),
    }
    tagmanifest = manifest_text(tags)
    files = dict(payload)
    files.update(tags)
    files["tagmanifest-sha256.txt"] = tagmanifest
    with cms.signing_time_default(moment):  # the signature's signingTime is the declared export time
        files[SIGNATURE_NAME] = sign(tagmanifest)
    return files, hashlib.sha256(tagmanifest).hexdigest()


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_DOS_DATE = 0x21  # 1980-01-01


def _local_header(raw_name: bytes, size: int, crc: int) -> bytes:
    return _LOCAL.pack(0x04034B50, 20, 0, 0, 0, _DOS_DATE, crc, size, size, len(raw_name), 0) + raw_name


def _central_directory(entries: list[tuple[bytes, int, int, int]]) -> bytes:
    """Central directory records and end record for (raw name, size, crc, offset) entries, the
    directory starting right after the last entry's data."""
    records = b"".join(_CENTRAL.pack(0x02014B50, 20, 20, 0, 0, 0, _DOS_DATE, crc, size, size, len(raw), 0, 0, 0, 0, 0,
                                     offset) + raw for raw, size, crc, offset in entries)
    start = entries[-1][3] + _LOCAL.size + len(entries[-1][0]) + entries[-1][1] if entries else 0
    return records + _END.pack(0x06054B50, 0, 0, len(entries), len(entries), len(records), start, 0)


def canonical_zip(members: list[tuple[str, bytes, int]]) -> bytes:
    """Stored entries in the given order, DOS time 1980-01-01 00:00, no extras, UTF-8 flag off.

    `members` is (name, data, crc32)."""
    out = io.BytesIO()
    entries = []
    for name, data, crc in members:
        raw_name = name.encode("ascii")
        if len(data) >= MAX_MEMBER:
            raise PackageError(f"包内文件 {name} 太大（超过 2 GB）")
        entries.append((raw_name, len(data), crc, out.tell()))
        out.write(_local_header(raw_name, len(data), crc))
        out.write(data)
    out.write(_central_directory(entries))
    return out.getvalue()


def _read_canonical(data: bytes, name: str) -> list[tuple[str, memoryview, int]]:
    """The members of a zip that must be in canonical form, read in place (no copies): every
    header field is compared with what `canonical_zip` writes, each member's CRC is checked, and
    the central directory must be byte for byte the canonical one."""
    broken = PackageError(f"{name}：不是完整的 zip 文件（可能在复制时被截断或已损坏），拒收")
    altered = PackageError(f"{name}：zip 文件结构被改动（与同步包的规范格式不一致），拒收")
    size = len(data)
    if size < _END.size:
        raise broken
    signature, disk, cd_disk, count, total, cd_size, cd_offset, comment = _END.unpack_from(data, size - _END.size)
    if signature != 0x06054B50 or cd_offset + cd_size + _END.size != size:
        raise broken
    if disk or cd_disk or count != total or comment:
        raise altered
    view = memoryview(data)
    members: list[tuple[str, memoryview, int]] = []
    entries = []
    pos = 0
    for _ in range(count):
        if pos + _LOCAL.size > cd_offset:
            raise altered
        sig, version, flags, method, time, date, crc, csize, usize, name_len, extra = _LOCAL.unpack_from(data, pos)
        if (sig, version, flags, method, time, date, extra) != (0x04034B50, 20, 0, 0, 0, _DOS_DATE, 0) or csize != usize:
            raise altered
        start = pos + _LOCAL.size + name_len
        end = start + csize
        if end > cd_offset:
            raise altered
        raw_name = bytes(view[pos + _LOCAL.size:start])
        try:
            member = raw_name.decode("ascii")
        except UnicodeDecodeError:
            raise altered from None
        content = view[start:end]
        if zlib.crc32(content) != crc:
            raise PackageError(f"{name}：成员 {member} 的 CRC 校验不符（内容被改动），拒收")
        members.append((member, content, crc))
        entries.append((raw_name, csize, crc, pos))
        pos = end
    if pos != cd_offset or view[cd_offset:] != _central_directory(entries):
        raise altered
    return members


def package_bytes(stem: str, files: Mapping[str, bytes]) -> bytes:
    members = [(f"{stem}/{name}", data, zlib.crc32(data)) for name, data in sorted(files.items())]
    return canonical_zip(members)


def write_package(out_dir: Path, stem: str, files: Mapping[str, bytes], *, target: Path | None = None) -> Path:
    """Write `<out_dir>/<stem>.zip` (or `target`) via a temp name + rename; never overwrites."""
    import os

    target = Path(target) if target is not None else Path(out_dir) / f"{stem}.zip"
    out_dir = target.parent
    if target.exists():
        raise PackageError(f"目标文件 {target} 已存在：同步包不会被覆盖，请换一个文件夹")
    data = package_bytes(stem, files)
    partial = target.with_name(target.name + ".partial")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise PackageError(f"无法写入 {target}：{exc.strerror or exc}（U盘已满、已拔出或没有写入权限？）") from None
    return target


def json_bytes(document: object) -> bytes:
    import json

    # compact: the C encoder (an indent would force the slow pure-Python one)
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def package_info(*, kind: str, code_key: str, code: str, sequence: int, previous_hash: str | None,
                 today: dt.date, period_start: dt.date | None = None, period_end: dt.date | None = None,
                 extra: Mapping[str, str] | None = None, exported_at: dt.datetime | None = None) -> dict[str, str]:
    """The bag-info.txt fields every package carries (see docs/exchange-format.md). `Export-Time`
    is `exported_at`, or (filled in by `build_bag`) now on `today`; the signature's signingTime
    is the same moment."""
    info = {
        "Package-Kind": kind,
        code_key: code,
        "Package-Sequence": str(sequence),
        "Previous-Package-Hash": previous_hash or "none",
        "Schema-Version": str(SCHEMA_VERSION),
        "Bagging-Date": today.isoformat(),
    }
    if exported_at is not None:
        from desktop.sync.cms import utc_text

        info["Export-Time"] = utc_text(exported_at)
    if period_start is not None:
        info["Period-Start"] = period_start.isoformat()
    if period_end is not None:
        info["Period-End"] = period_end.isoformat()
    info.update(extra or {})
    return info


# -- reading -----------------------------------------------------------------------------------------

def read_package_file(path: Path) -> Package:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackageError(f"无法读取 {path}：{exc.strerror or exc}") from None
    return read_package(data, path.name)


def read_package(data: bytes, name: str) -> Package:
    """Check a package's zip, bag fixity and completeness; return its contents.

    The signature is NOT checked here (that needs the trusted certificates): see district/sync."""
    members = _read_canonical(data, name)
    stem = _single_root(members, name)
    # small files become bytes; ledger PDFs stay views into `data` (no copy)
    files = {m[0][len(stem) + 1:]: m[1] if m[0].endswith(".pdf") else bytes(m[1]) for m in members}
    for tag in (*TAG_FILES, "tagmanifest-sha256.txt", SIGNATURE_NAME):
        if tag not in files:
            raise PackageError(f"{name}：包中缺少 {tag}（检查：包的完整性）")
    if files["bagit.txt"] != BAGIT_TXT:
        raise PackageError(f"{name}：bagit.txt 内容不符合 BagIt 1.0（检查：包声明）")
    tagmanifest = files["tagmanifest-sha256.txt"]
    _check_manifest(name, "tagmanifest-sha256.txt", tagmanifest, {k: files[k] for k in TAG_FILES}, tags=True)
    payload = {k: v for k, v in files.items() if k.startswith("data/")}
    extra = set(files) - set(payload) - {*TAG_FILES, "tagmanifest-sha256.txt", SIGNATURE_NAME}
    if extra:
        raise PackageError(f"{name}：包中有清单之外的多余文件 {sorted(extra)[0]}（检查：包的完整性）")
    _check_manifest(name, "manifest-sha256.txt", files["manifest-sha256.txt"], payload, tags=False)
    bag_info = parse_bag_info(name, files["bag-info.txt"])
    oxum = f"{sum(len(v) for v in payload.values())}.{len(payload)}"
    if bag_info.get("Payload-Oxum") != oxum:
        raise PackageError(f"{name}：bag-info.txt 的 Payload-Oxum 与实际内容不符（检查：包的完整性）")
    return Package(name=name, stem=stem, bag_info=bag_info, payload=payload, tagmanifest=tagmanifest,
                   signature=files[SIGNATURE_NAME], size=len(data),
                   package_hash=hashlib.sha256(tagmanifest).hexdigest())


def _single_root(members: list[tuple[str, memoryview, int]], name: str) -> str:
    roots = {m[0].split("/", 1)[0] for m in members}
    if len(roots) != 1 or any("/" not in m[0] for m in members):
        raise PackageError(f"{name}：zip 中应只有一个包文件夹（检查：包结构）")
    stem = roots.pop()
    if not _STEM.match(stem):
        raise PackageError(f"{name}：包文件夹名 {stem!r} 不合规（检查：包结构）")
    names = [m[0] for m in members]
    if names != sorted(names) or len(set(names)) != len(names):
        raise PackageError(f"{name}：zip 成员顺序或重复不符合规范（检查：zip 结构）")
    return stem


def _check_manifest(name: str, manifest_name: str, text: bytes, files: Mapping[str, bytes], *, tags: bool) -> None:
    try:
        lines = text.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise PackageError(f"{name}：{manifest_name} 不是 UTF-8 文本（检查：清单）") from None
    listed: dict[str, str] = {}
    for line in lines:
        parts = line.split("  ", 1) if "  " in line else line.split(" ", 1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            raise PackageError(f"{name}：{manifest_name} 有无法识别的行（检查：清单格式）")
        listed[parts[1].strip()] = parts[0]
    for member in listed:
        if member not in files:
            what = "标签文件" if tags else "数据文件"
            raise PackageError(f"{name}：{manifest_name} 列出的{what} {member} 在包中不存在（检查：包的完整性）")
    if not tags:
        for member in files:
            if member not in listed:
                raise PackageError(f"{name}：数据文件 {member} 不在 {manifest_name} 中（多余文件，检查：包的完整性）")
    elif set(listed) != set(TAG_FILES):
        raise PackageError(f"{name}：{manifest_name} 未覆盖全部标签文件（检查：包的完整性）")
    for member, expected in listed.items():
        if hashlib.sha256(files[member]).hexdigest() != expected:
            raise PackageError(f"{name}：文件 {member} 的 SHA-256 与 {manifest_name} 不符（检查：固定性，内容被改动）")


def parse_bag_info(name: str, text: bytes) -> dict[str, str]:
    try:
        lines = text.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise PackageError(f"{name}：bag-info.txt 不是 UTF-8 文本") from None
    info: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            continue
        if ":" not in line:
            raise PackageError(f"{name}：bag-info.txt 有无法识别的行（检查：包信息）")
        key, value = line.split(":", 1)
        info[key.strip()] = value.strip()
    return info
