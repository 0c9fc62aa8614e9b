"""The branch's signing identity as the secretary manages it in 设置→签名证书 and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.domain.errors import LedgerError, ValidationError
from desktop.services.context import LedgerContext


@dataclass(frozen=True)
class IdentityStatus:
    exists: bool
    branch_name: str | None = None
    secretary: str | None = None
    branch_code: str | None = None
    fingerprint: str | None = None
    short_fingerprint: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    self_signed: bool = True
    issuer: str | None = None
    has_district_ca: bool = False
    archived: int = 0

    @property
    def summary(self) -> str:
        if not self.exists:
            return "尚未创建签名证书。"
        state = "自签名证书（未经区级认证）" if self.self_signed else f"区级证书（签发者：{self.issuer}）"
        code = f"，支部代码 {self.branch_code}" if self.branch_code else ""
        return (f"{state}：{self.branch_name}{code}；有效期 {self.valid_from} 至 {self.valid_until}；"
                f"指纹 {self.short_fingerprint}")


class IdentityService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    @property
    def keys_dir(self) -> Path:
        return self.ctx.folder.keys

    def status(self) -> IdentityStatus:
        from desktop.sync import identity

        cert = identity.current_certificate(self.keys_dir)
        if cert is None or not identity.has_identity(self.keys_dir):
            return IdentityStatus(False)
        return IdentityStatus(
            True, identity.subject_name(cert), identity.secretary_of(cert), identity.branch_code(cert),
            identity.fingerprint(cert), identity.short_fingerprint(cert), cert.not_valid_before_utc.date(),
            cert.not_valid_after_utc.date(), identity.is_self_signed(cert),
            identity.subject_name(identity.district_ca(self.keys_dir)) if identity.district_ca(self.keys_dir) else
            cert.issuer.rfc4514_string(),
            identity.district_ca(self.keys_dir) is not None, len(identity.archived_certificates(self.keys_dir)),
        )

    def create(self, passphrase: str, confirm: str | None = None) -> IdentityStatus:
        """A new key and self-signed certificate (replacing, and archiving, any existing one)."""
        from desktop.services.branch import BranchService
        from desktop.sync import identity

        if confirm is not None and confirm != passphrase:
            raise ValidationError("两次输入的口令不一致。", field="confirm")
        branch = BranchService(self.ctx)
        profile = branch.profile()
        if profile is None:
            raise LedgerError("请先在“设置→支部信息”中填写支部名称，再创建签名证书。")
        term = branch.current_term()
        identity.create_identity(self.keys_dir, passphrase, branch_name=profile.name,
                                 secretary=term.holder("书记") if term else None, today=self.ctx.today())
        return self.status()

    def request(self, passphrase: str) -> bytes:
        from desktop.sync import identity

        return identity.make_csr(self.keys_dir, passphrase)

    def write_request(self, out: Path, passphrase: str) -> Path:
        """Write the certificate request (CSR) for the district to `out` (temp file + rename)."""
        from desktop.sync.identity import _write_atomic

        data = self.request(passphrase)
        _write_atomic(Path(out), data)
        return Path(out)

    def import_certificate(self, cert_path: Path, ca_path: Path, passphrase: str | None = None) -> IdentityStatus:
        """Install the district-issued certificate and the district CA. The branch code the district
        put in the certificate is copied into the branch profile."""
        from desktop.services.branch import BranchService
        from desktop.sync import identity

        data = {}
        for label, path in (("支部证书", cert_path), ("区级 CA 证书", ca_path)):
            try:
                data[label] = Path(path).read_bytes()
            except OSError as exc:
                raise LedgerError(f"无法读取{label}文件 {path}：{exc.strerror or exc}") from exc
        installed = identity.import_certificate(self.keys_dir, data["支部证书"], data["区级 CA 证书"],
                                                today=self.ctx.today(), passphrase=passphrase)
        code = identity.branch_code(installed.certificate)
        branch = BranchService(self.ctx)
        profile = branch.profile()
        if code and profile is not None and profile.code != code:
            branch.save_profile(replace(profile, code=code))
        return self.status()
