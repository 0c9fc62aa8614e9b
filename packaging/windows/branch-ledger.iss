; 支部工作台账 — Windows installer (Inno Setup 6.5.0 or later: its official languages include ChineseSimplified.isl). Build steps: packaging/windows-build.md.
;
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\branch-ledger.iss
;
; Per-user install (no administrator rights: office PCs are often locked down), Start-menu entry,
; optional desktop shortcut. Refuses Windows older than 10 1809 (build 17763), which Qt 6 does not
; support, with a Chinese message. Uninstalling removes the program only: the data folder
; (%LOCALAPPDATA%\BranchLedger\BranchLedger, or the folder chosen with --data-dir) is never touched.
;
; File association: exchange packages are ordinary BagIt zips named
; <branch-code>-<sequence>-<date>.zip (docs/exchange-format.md), so the program registers itself
; in the "打开方式" (Open with) list of .zip files, for this user, WITHOUT becoming their default
; program (claiming every .zip on the PC would be wrong): right-click a package → 打开方式 →
; 支部工作台账 opens it in the program, which shows what it changes before importing it. The
; uninstaller removes the registration.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "支部工作台账"
#define AppExe "branch-ledger.exe"
#define BundleDir "..\..\dist\branch-ledger"

[Setup]
AppId={{6B8F3C2E-4D1A-4E7B-9C55-2F0A7D3E8B41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=支部工作台账项目
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
DefaultDirName={userpf}\BranchLedger
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; the real check (with our own message) is in InitializeSetup below; this catches anything older
MinVersion=6.1sp1
SetupIconFile=..\..\resources\icons\branch-ledger.ico
UninstallDisplayIcon={app}\{#AppExe}
ChangesAssociations=yes
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=branch-ledger-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes

[Languages]
; Inno Setup ships ChineseSimplified.isl among its official languages from 6.5.0 on. A build without
; it would give a wizard with English buttons, so it is refused rather than built.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chs"; MessagesFile: "ChineseSimplified.isl"
#else
  #error "ChineseSimplified.isl not found: use Inno Setup 6.5.0 or later (see packaging/windows-build.md)"
#endif

[CustomMessages]
chs.OldWindows=支部工作台账需要 Windows 10 1809（内部版本 17763）或更新的 Windows 10 / Windows 11。%n%n这台电脑的 Windows 版本为 %1，过旧（程序使用的 Qt 6 不支持），无法安装。%n请升级 Windows 后再安装，或在另一台电脑上使用。
chs.DesktopIcon=在桌面上创建快捷方式
chs.RunNow=立即打开支部工作台账
chs.DataKept=程序已卸载。您的台账数据没有删除，仍保存在：%n%1%n%n重新安装后会自动打开这些数据。如不再需要，可以手动删除该文件夹（请先备份）。
chs.Uninstall=卸载支部工作台账
chs.PackageType=支部工作台账同步包

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:Uninstall}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; "Open with" for .zip (the default program of .zip is left alone: no value under .zip itself)
Root: HKA; Subkey: "Software\Classes\BranchLedger.Package"; ValueType: string; ValueName: ""; ValueData: "{cm:PackageType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\BranchLedger.Package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\BranchLedger.Package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.zip\OpenWithProgids"; ValueType: string; ValueName: "BranchLedger.Package"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".zip"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:RunNow}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; bytecode Python may write beside the program's own files; the data folder is elsewhere and stays
Type: filesandordirs; Name: "{app}\_internal"

[Code]
function InitializeSetup(): Boolean;
var
  Version: TWindowsVersion;
begin
  GetWindowsVersionEx(Version);
  if (Version.Major < 10) or ((Version.Major = 10) and (Version.Build < 17763)) then
  begin
    SuppressibleMsgBox(FmtMessage(CustomMessage('OldWindows'),
      [Format('%d.%d.%d', [Version.Major, Version.Minor, Version.Build])]),
      mbCriticalError, MB_OK, IDOK);
    Result := False;
  end
  else
    Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    SuppressibleMsgBox(FmtMessage(CustomMessage('DataKept'),
      [ExpandConstant('{localappdata}\BranchLedger\BranchLedger')]), mbInformation, MB_OK, IDOK);
end;
