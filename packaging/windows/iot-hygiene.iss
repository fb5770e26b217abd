; Inno Setup script: installs the PyInstaller one-folder build of IoT Hygiene for the current user.
; Build: pyinstaller packaging\iot-hygiene.spec, then iscc packaging\windows\iot-hygiene.iss
[Setup]
AppId={{6E0C7D53-3B7A-4C55-9D0F-1A2B3C4D5E6F}
AppName=IoT Hygiene
AppVersion=0.1.0
AppPublisher=IoT Hygiene developers
DefaultDirName={localappdata}\Programs\IoT Hygiene
DefaultGroupName=IoT Hygiene
PrivilegesRequired=lowest
OutputBaseFilename=iot-hygiene-setup
LicenseFile=..\..\LICENSE
Compression=lzma2
SolidCompression=yes

[Files]
Source: "..\..\dist\iot-hygiene\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\IoT Hygiene"; Filename: "{app}\iot-hygiene.exe"
Name: "{userdesktop}\IoT Hygiene"; Filename: "{app}\iot-hygiene.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\iot-hygiene.exe"; Description: "Open IoT Hygiene"; Flags: nowait postinstall skipifsilent
