"""`identity create|request|import-cert|show` and the top-level `verify FILE.pdf [--ca CA.pem]`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PASSPHRASE_ENV = "BRANCH_LEDGER_PASSPHRASE"


def passphrase(prompt: str = "私钥口令：", *, confirm: bool = False) -> str:
    """From BRANCH_LEDGER_PASSPHRASE (for scripts) or a prompt that does not echo."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    import getpass

    from desktop.domain.errors import LedgerError

    if not sys.stdin or not sys.stdin.isatty():
        raise LedgerError(f"需要私钥口令：请在终端中运行，或设置环境变量 {PASSPHRASE_ENV}。")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("再次输入口令：") != value:
        raise LedgerError("两次输入的口令不一致。")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("identity", help="支部签名证书：创建、证书请求、导入区级证书、查看")
    commands = parser.add_subparsers(dest="identity_command", metavar="SUBCOMMAND", required=True)
    create = commands.add_parser("create", help="创建签名密钥和自签名证书（替换现有的，旧证书存档）")
    create.set_defaults(handler=_create)
    request = commands.add_parser("request", help="导出证书请求（CSR）文件交区里签发")
    request.add_argument("--out", required=True, metavar="FILE.csr", help="证书请求文件")
    request.set_defaults(handler=_request)
    imp = commands.add_parser("import-cert", help="导入区里签发的证书和区级 CA 证书")
    imp.add_argument("cert", metavar="CERT.pem", help="区里签发的支部证书")
    imp.add_argument("--ca", required=True, metavar="CA.pem", help="区级 CA 证书")
    imp.set_defaults(handler=_import)
    show = commands.add_parser("show", help="查看当前签名证书")
    show.set_defaults(handler=_show)

    verify = subparsers.add_parser("verify", help="验证 PDF 的数字签名（有效、完整且可信时退出码为 0）")
    verify.add_argument("pdf", metavar="FILE.pdf")
    verify.add_argument("--ca", metavar="CA.pem", help="区级 CA 证书（默认用本数据文件夹中导入的）")
    verify.set_defaults(handler=_verify)


def _create(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.services.identity import IdentityService

    secret = passphrase("设置私钥口令：", confirm=True)
    with open_services(args) as services:
        status = IdentityService(services.ctx).create(secret)
    print(f"已创建签名证书。{status.summary}")
    print("请用 identity request --out FILE.csr 导出证书请求交区里签发。")
    return 0


def _request(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.services.identity import IdentityService

    secret = passphrase()
    with open_services(args) as services:
        out = IdentityService(services.ctx).write_request(Path(args.out), secret)
    print(f"已导出证书请求：{out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.services.identity import IdentityService

    with open_services(args) as services:
        status = IdentityService(services.ctx).import_certificate(Path(args.cert), Path(args.ca))
    print(f"已导入区级证书。{status.summary}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.services.identity import IdentityService

    with open_services(args, read_only=None) as services:
        status = IdentityService(services.ctx).status()
    print(status.summary)
    if status.exists:
        print(f"完整指纹：{status.fingerprint}")
        print(f"区级 CA：{'已导入' if status.has_district_ca else '未导入'}；存档的旧证书：{status.archived} 个")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from desktop.storage.datadir import resolve_data_dir

    ca = Path(args.ca) if args.ca else None
    no_folder = args.data_dir is None and not resolve_data_dir(None).database.exists()
    if args.data_dir is None and (ca is not None or no_folder):
        result = _verify_without_folder(Path(args.pdf), ca)  # never creates a data folder
    else:
        from desktop.cli.common import open_services

        with open_services(args) as services:
            result = services.ledgers.verify_pdf(Path(args.pdf), ca)
    print(result.summary)
    return 0 if result.ok else 1


def _verify_without_folder(pdf: Path, ca: Path | None):  # type: ignore[no-untyped-def]
    """Without --data-dir, verifying needs no data folder (the district's machine)."""
    from desktop.services.ledgers import verify_file

    return verify_file(pdf, ca)
