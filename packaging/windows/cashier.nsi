; The Windows installer: per-machine into Program Files, Start-menu and desktop shortcuts named
; 收银台, an uninstaller that keeps the shop's data (the ledger, config and logs live in the user's
; %APPDATA%/%LOCALAPPDATA%, never here), Chinese and English pages, silent with /S.
;
;   makensis -DVERSION=0.1.0 -DEXE_DIR=… -DICON=… -DOUT=… packaging/windows/cashier.nsi
; (packaging/build.sh windows does this.)

Unicode true
; 64-bit, as the program: it runs where the program runs (and under Wine 8 without its 32-bit part).
Target amd64-unicode
!include "MUI2.nsh"

Name "收银台 Cashier"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\Cashier"
InstallDirRegKey HKLM "Software\Cashier" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "Cashier"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "收银台 Cashier ${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "2026, the cashier developers"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\cashier.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Cashier"

Section "Cashier"
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${EXE_DIR}\cashier.exe"
  File "${EXE_DIR}\cashier-cli.exe"
  File "${ICON}"
  File "${LICENSE}"
  CreateShortCut "$SMPROGRAMS\收银台.lnk" "$INSTDIR\cashier.exe" "" "$INSTDIR\cashier.ico"
  CreateShortCut "$DESKTOP\收银台.lnk" "$INSTDIR\cashier.exe" "" "$INSTDIR\cashier.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Cashier" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "收银台 Cashier"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "The cashier developers"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\cashier.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; The shop's data (ledger, config, logs, exports) is in the user's profile and stays: a
; reinstall, or another version, finds every order where it was.
Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\收银台.lnk"
  Delete "$DESKTOP\收银台.lnk"
  Delete "$INSTDIR\cashier.exe"
  Delete "$INSTDIR\cashier-cli.exe"
  Delete "$INSTDIR\cashier.ico"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\Cashier"
SectionEnd
