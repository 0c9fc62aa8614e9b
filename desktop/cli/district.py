"""The district side (区县): `district init|issue-cert|revoke|verify|import|summary|notice|demo --dir DIR`.

The district passphrase comes from BRANCH_LEDGER_DISTRICT_PASSPHRASE, else it is asked for."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

ENV = "BRANCH_LEDGER_DISTRICT_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    district = subparsers.add_parser("district", help="区县一侧：根证书、签发证书、验证与导入同步包、汇总、下发")
    commands = district.add_subparsers(dest="district_command", metavar="ACTION", required=True)

    def command(name: str, help_text: str, handler) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--dir", type=Path, required=True, metavar="DIR", help="区县文件夹")
        parser.set_defaults(handler=handler)
        return parser

    init = command("init", "新建区县文件夹：根证书（私钥加密保存）写为 DIR/ca.pem", _init)
    init.add_argument("--name", default="区县党委组织部", help="区县党组织名称")

    issue = command("issue-cert", "按支部的证书请求签发证书（证书中写入支部代码和名称）", _issue)
    issue.add_argument("request", type=Path, metavar="REQUEST.csr")
    issue.add_argument("--code", required=True, help="分配给该支部的代码")
    issue.add_argument("--out", type=Path, required=True, metavar="CERT.pem")
    issue.add_argument("--name", help="支部名称（默认取证书请求中的名称）")

    revoke = command("revoke", "吊销证书（证书文件或十六进制序列号）：此后用它签名的包被拒收", _revoke)
    revoke.add_argument("certificate", metavar="CERT.pem|SERIAL")
    revoke.add_argument("--reason", default="")

    verify = command("verify", "逐个验证同步包：固定性、签名、证书链、序号连续、上一包哈希；有任何失败则返回非零", _verify)
    verify.add_argument("packages", type=Path, nargs="+", metavar="PKG")
    verify.add_argument("--db", metavar="URL", help="区县数据库（默认 DIR/district.sqlite3）")

    imp = command("import", "验证并导入同步包；重复导入不作改动；拒收的包移入隔离区并写明原因", _import)
    imp.add_argument("packages", type=Path, nargs="+", metavar="PKG")
    imp.add_argument("--db", metavar="URL", help="区县数据库的 SQLAlchemy URL（默认 SQLite：DIR/district.sqlite3）")
    imp.add_argument("--workers", type=int, default=1, metavar="N", help="用 N 个进程并行校验（默认 1）")

    summary = command("summary", "各支部年度汇总表（.xlsx 或 .pdf）", _summary)
    summary.add_argument("--year", type=int, required=True)
    summary.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.pdf")
    summary.add_argument("--db", metavar="URL")

    notice = command("notice", "给一个支部生成区里签名的下发包：通知（含附件）、转入党员、年度考核结果", _notice)
    notice.add_argument("--to", required=True, metavar="CODE")
    notice.add_argument("--out", type=Path, required=True, metavar="PKG", help="输出文件或文件夹")
    notice.add_argument("--title", help="通知标题")
    notice.add_argument("--body", default="", help="通知正文")
    notice.add_argument("--attach", type=Path, action="append", default=[], metavar="FILE", help="通知附件（可多次）")
    notice.add_argument("--transfers", type=Path, metavar="FILE.json",
                        help="转入党员：JSON 列表，每人为花名册字段加 transfer{transfer_date, organization, letter_number}")
    notice.add_argument("--evaluation", metavar="RESULT", help="年度考核评价结果（如 好/较好/一般/差）")
    notice.add_argument("--year", type=int, help="考核年度（默认去年）")
    notice.add_argument("--note", help="考核说明")
    notice.add_argument("--db", metavar="URL")

    demo = command("demo", "生成演示：区县根证书、三个带证书的演示支部和一季的同步包", _demo)
    demo.add_argument("--branch-passphrase", default=None, help="演示支部的签名口令（默认取 BRANCH_LEDGER_PASSPHRASE 或 demo-branch）")


def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from desktop.services.district import DistrictService

    return DistrictService(args.dir, db_url=getattr(args, "db", None))


def _secret() -> str:
    from desktop.cli.sync import passphrase

    return passphrase(ENV, "区县根证书口令：")


def _init(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        path = service.init(_secret(), name=args.name)
    finally:
        service.close()
    print(f"已新建区县文件夹。根证书（发给各支部）：{path}")
    return 0


def _issue(args: argparse.Namespace) -> int:
    from desktop.domain.errors import LedgerError

    try:
        request = args.request.read_bytes()
    except OSError as exc:
        raise LedgerError(f"无法读取证书请求 {args.request}：{exc.strerror or exc}") from None
    service = _service(args)
    try:
        path = service.issue_certificate(request, code=args.code, passphrase=_secret(), out=args.out, name=args.name)
    finally:
        service.close()
    print(f"已签发证书：{path}（支部代码 {args.code}）。请连同 {service.folder.ca_cert} 一并交给支部。")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        code = service.revoke(args.certificate, reason=args.reason)
    finally:
        service.close()
    print(f"已吊销支部 {code} 的证书 {args.certificate}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        results = service.verify(args.packages)
    finally:
        service.close()
    for r in results:
        print(f"{'通过' if r.ok else '失败'}  {r.name}：{r.message}")
    failed = sum(not r.ok for r in results)
    print(f"共 {len(results)} 个包，{len(results) - failed} 个通过，{failed} 个失败。")
    return 1 if failed else 0


def _import(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        results = service.import_packages(args.packages, workers=args.workers)
    finally:
        service.close()
    labels = {"imported": "导入", "already": "重复", "rejected": "拒收"}
    for r in results:
        print(f"{labels[r.status]}  {r.name}：{r.message}")
    rejected = [r for r in results if r.status == "rejected"]
    gaps = [r for r in results if r.gaps]
    print(f"共 {len(results)} 个包：导入 {sum(r.status == 'imported' for r in results)}，"
          f"重复 {sum(r.status == 'already' for r in results)}，拒收 {len(rejected)}（已移入 {service.folder.quarantine}）"
          + (f"；{len(gaps)} 个包之前有序号缺口" if gaps else ""))
    return 1 if rejected else 0


def _summary(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        path = service.summary(args.year, args.out)
    finally:
        service.close()
    print(path)
    return 0


def _notice(args: argparse.Namespace) -> int:
    from desktop.domain.errors import LedgerError
    from desktop.services.district import Notice

    notices = [Notice(args.title, args.body, None, tuple(args.attach))] if args.title else []
    if args.attach and not args.title:
        raise LedgerError("附件属于通知：请同时给出 --title")
    transfers = []
    if args.transfers:
        try:
            transfers = json.loads(args.transfers.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LedgerError(f"无法读取转入党员文件 {args.transfers}：{exc}") from None
        if not isinstance(transfers, list):
            raise LedgerError(f"{args.transfers} 应为 JSON 列表（每个转入党员一项）")
    evaluation = None
    if args.evaluation:
        evaluation = (args.year or dt.date.today().year - 1, args.evaluation, args.note)
    service = _service(args)
    try:
        path = service.build_notice(args.to, args.out, passphrase=_secret(), notices=notices,
                                    transfers_in=transfers, evaluation=evaluation)
    finally:
        service.close()
    print(path)
    return 0


def _demo(args: argparse.Namespace) -> int:
    import os

    from desktop.services.district import build_demo

    district_secret = os.environ.get(ENV) or "demo-district"
    branch_secret = args.branch_passphrase or os.environ.get("BRANCH_LEDGER_PASSPHRASE") or "demo-branch"
    service = build_demo(args.dir, district_passphrase=district_secret, branch_passphrase=branch_secret,
                         today=dt.date.today(), log=print)
    service.close()
    print(f"区县口令：{district_secret}；演示支部签名口令：{branch_secret}")
    print(f"支部数据文件夹：{Path(args.dir) / 'branches'}（用 --data-dir 打开）；同步包：{Path(args.dir) / 'inbox'}；"
          f"下发包：{Path(args.dir) / 'outbox'}")
    return 0
