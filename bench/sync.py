"""Sync benchmark: the district verifies and imports 1,000 packages of a realistic size, against
`sha256sum` of the same files in the same run.

Data (built in a temp folder, not timed): a district CA, 50 branches with certificates, 20 monthly
packages from each (1,000 in all). A monthly package as the demo branch makes one: the year's four
signed ledger PDFs (~370 KB, incompressible bytes here), 60 changed rows (members, meetings,
payments) as JSON, 150 audit entries, the year's figures: ~450 KB. Timed: one `sha256sum` process
over all the zips, then `DistrictService.import_packages` over the same paths in this process
(read, zip and bag fixity, canonical form, CMS signature and chain, sequence and previous-hash
checks, one transaction per package, all in this process). Target: import ≤ 2 × sha256sum (wall). CPU seconds (including the
workers') are printed too: on a shared, loaded machine they are the steadier comparison."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 21)
BRANCHES = 50
PER_BRANCH = 20
PDF_BYTES = (83_000, 154_000, 71_000, 62_000)  # dues, meetings, report, roster ledgers of the demo
TARGET_RATIO = 2.0
SECRET = "bench-district"


def _branch_payload(code: str, sequence: int) -> dict[str, bytes]:
    from desktop.sync.package import json_bytes

    base = sequence * 1000
    members = [{"id": base + i, "name": f"党员{i}", "status": "正常", "stage": "正式党员", "category": "在职",
                "work_unit_post": "某公司 运营专员", "joined_on": "2015-07-01", "updated_at": "2026-11-21T08:00:00"}
               for i in range(20)]
    meetings = [{"id": base + i, "held_on": "2026-11-05", "topic": "学习贯彻党的二十届四中全会精神", "place": "三楼会议室",
                 "expected_count": 25, "present_count": 23} for i in range(10)]
    payments = [{"id": base + i, "member_id": base + i % 20, "paid_on": "2026-11-05", "amount": "35.50",
                 "receipt_number": f"{code}-{sequence}-{i}"} for i in range(30)]
    audit = [{"seq": base + i, "recorded_at": "2026-11-21T08:00:00", "table_name": "dues_payment",
              "row_id": str(base + i), "action": "insert",
              "data": json.dumps({"member_id": base + i % 20, "paid_on": "2026-11-05", "amount": "35.50",
                                  "collector": "组织委员", "receipt_number": f"{code}-{sequence}-{i}", "method": "现金"},
                                 ensure_ascii=False),
              "prev_hash": "0" * 64, "hash": f"{base + i:064x}"} for i in range(150)]
    payload = {
        "data/records/member.json": json_bytes({"schema_version": 1, "table": "member", "key": "id", "rows": members}),
        "data/records/meeting.json": json_bytes({"schema_version": 1, "table": "meeting", "key": "id", "rows": meetings}),
        "data/records/dues_payment.json": json_bytes({"schema_version": 1, "table": "dues_payment", "key": "id",
                                                      "rows": payments}),
        "data/audit/entries.json": json_bytes({"schema_version": 1, "entries": audit}),
        "data/figures.json": json_bytes({"schema_version": 1, "years": [{"year": 2026, "members": 25}]}),
    }
    for kind, size in zip(("dues", "meetings", "report", "roster"), PDF_BYTES):
        payload[f"data/ledgers/{kind}-2026.pdf"] = os.urandom(size)
    return payload


def build(root: Path) -> tuple[object, list[Path]]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from desktop.services.district import DistrictService
    from desktop.sync.cms import KeyPair, sign_detached
    from desktop.sync.package import BRANCH_KIND, build_bag, package_info, package_stem, write_package

    district = DistrictService(root / "district", today=lambda: TODAY)
    district.init(SECRET)
    inbox = root / "inbox"
    paths = []
    for b in range(BRANCHES):
        code = f"B{b:03d}"
        key = ec.generate_private_key(ec.SECP256R1())
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"第{b}支部")]))
               .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
        cert = x509.load_pem_x509_certificate(district.issue_certificate(csr, code=code, passphrase=SECRET).read_bytes())
        signer = KeyPair(key, cert)
        previous = None
        for sequence in range(1, PER_BRANCH + 1):
            info = package_info(kind=BRANCH_KIND, code_key="Branch-Code", code=code, sequence=sequence,
                                previous_hash=previous, today=TODAY, period_end=TODAY,
                                extra={"Audit-From": str(sequence * 1000 - 1),
                                       "Audit-Head": f"{sequence * 1000 + 149} {'a' * 64}"})
            files, previous = build_bag(_branch_payload(code, sequence), info,
                                        lambda content: sign_detached(content, signer))
            paths.append(write_package(inbox, package_stem(code, sequence, TODAY), files))
    district.close()
    return district, paths


def main() -> dict[str, float]:
    from desktop.services.district import DistrictService

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        _, paths = build(root)
        built = time.perf_counter() - started
        total = sum(p.stat().st_size for p in paths)
        for p in paths:  # warm the page cache for both contestants alike
            p.read_bytes()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(["sha256sum", *map(str, paths)], check=True, stdout=subprocess.DEVNULL)
        sha = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sha_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
        district = DistrictService(root / "district", today=lambda: TODAY)
        _ = district.store  # opening the database is not part of the work
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, cpu = time.perf_counter(), time.process_time()
        results = district.import_packages(paths)
        imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes, if any were used
        imported_cpu += (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
        counts = district.store.counts()
        district.close()
        assert all(r.status == "imported" for r in results), [r.message for r in results if r.status != "imported"][:3]
        assert counts["packages"] == len(paths)
    ratio, cpu_ratio = imported / sha, imported_cpu / sha_cpu
    print(f"data: {len(paths)} packages, {total / 1e6:.0f} MB, built in {built:.1f} s; rows {counts['rows']}, "
          f"audit entries {counts['audit']}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"sha256sum of all packages:      {sha:6.2f} s wall  {sha_cpu:6.2f} s CPU")
    print(f"district verify + import:       {imported:6.2f} s wall  {imported_cpu:6.2f} s CPU "
          f"({imported / len(paths) * 1000:.1f} ms per package)")
    print(f"ratio wall {ratio:.2f}, CPU {cpu_ratio:.2f} (target ≤ {TARGET_RATIO}) "
          f"{'OK' if ratio <= TARGET_RATIO else 'MISSED'}")
    return {"packages": float(len(paths)), "megabytes": total / 1e6, "sha256sum_s": sha, "sha256sum_cpu_s": sha_cpu,
            "import_s": imported, "import_cpu_s": imported_cpu, "ratio": ratio, "cpu_ratio": cpu_ratio,
            "per_package_ms": imported / len(paths) * 1000, "build_s": built}


if __name__ == "__main__":
    main()
