; Inno Setup script: installs the PyInstaller one-folder build of IoT Hygiene for the current user.
; Build (on Windows, from the repo root; see packaging/README.md):
;   py -m venv build\venv-bundle && build\venv-bundle\Scripts\pip install "pyinstaller>=6.10" .
;   build\venv-bundle\Scripts\pyinstaller --noconfirm packaging\iot-hygiene.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\iot-hygiene.iss
; Raw ARP (the deep scan) needs Npcap, which is not bundled (its licence forbids redistribution
; without an OEM agreement): without it the app scans in standard mode and says so.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0C7D53-3B7A-4C55-9D0F-1A2B3C4D5E6F}
AppName=IoT Hygiene
AppVersion={#AppVersion}
AppVerName=IoT Hygiene {#AppVersion}
AppPublisher=IoT Hygiene developers
DefaultDirName={localappdata}\Programs\IoT Hygiene
DefaultGroupName=IoT Hygiene
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=iot-hygiene-{#AppVersion}-setup
LicenseFile=..\..\LICENSE
SetupIconFile=iot-hygiene.ico
UninstallDisplayIcon={app}\iot-hygiene.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\dist\iot-hygiene\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion
Source: "..\..\THIRD_PARTY.md"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
; The Start-menu entry (per user) and an optional desktop shortcut.
Name: "{group}\IoT Hygiene"; Filename: "{app}\iot-hygiene.exe"
Name: "{group}\Uninstall IoT Hygiene"; Filename: "{uninstallexe}"
Name: "{userdesktop}\IoT Hygiene"; Filename: "{app}\iot-hygiene.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\iot-hygiene.exe"; Description: "Open IoT Hygiene"; Flags: nowait postinstall skipifsilent
