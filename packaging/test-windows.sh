#!/usr/bin/env bash
# Proves the Windows build under Wine, as a new user on Windows would meet it: the installer runs
# silently (/S), then once with Wine reporting Windows 7 and once Windows 10, the installed
# `cashier.exe --version`; a cash sale and a wallet sale
# (bar-code, paid by the built-in sandbox) from the command line into a data folder with a Chinese
# name; and the window on Xvfb: it opens on the first-run screen, Enter takes the sandbox, and a
# sale typed by keyboard as a cashier does (amount, then a scanned pay code) ends paid in the ledger.
# A screenshot of each window is kept in target/windows-check/.
#
# At the end the silent uninstaller removes the program and its shortcuts and keeps the data.
#
#   packaging/test-windows.sh [path/to/setup.exe]      (needs wine64, xvfb, xdotool, imagemagick)
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
SETUP=$(realpath "${1:-target/packages/cashier_${VERSION}_x64-setup.exe}")
SHOTS=$PWD/target/windows-check
mkdir -p "$SHOTS"
WORK=$(mktemp -d /tmp/wine-check.XXXXXX)
export WINEPREFIX=$WORK/prefix WINEDEBUG=-all
DISPLAY_NUMBER=$((90 + RANDOM % 100))
Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x800x24 > /dev/null 2>&1 &
XVFB=$!
export DISPLAY=":$DISPLAY_NUMBER"
cleanup() { wineserver -k 2> /dev/null || true; kill "$XVFB" 2> /dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
sleep 1
# A Windows printer that takes RAW jobs: Wine's spooler hands jobs to CUPS, so a CUPS raw queue
# (set up before the prefix, which lists CUPS's printers when it is made) is a Windows printer
# here. A slip sent to it through winspool lands in CUPS's spool, read back below.
RAW_QUEUE=""
if command -v cupsd > /dev/null 2>&1 && command -v lpadmin > /dev/null 2>&1; then
  pgrep -x cupsd > /dev/null || cupsd
  for _ in $(seq 50); do lpstat -r > /dev/null 2>&1 && break; sleep 0.1; done
  if lpadmin -p CASHIER_POS58 -E -v file:///dev/null -m raw > /dev/null 2>&1; then
    RAW_QUEUE=CASHIER_POS58
  fi
fi
# The wineserver starts with DISPLAY set (one started without it has no display driver for good).
wineboot -i > /dev/null 2>&1

fail() { echo "windows check FAILED ($1): $2" >&2; exit 1; }

# The cashier's window, once it shows (30 s at most): its X id; `$1` names the check, `$2` its log.
wait_for_window() {
  local found=""
  for _ in $(seq 300); do
    found=$(xdotool search --onlyvisible --name "收银台" 2>/dev/null | head -1 || true)
    [ -n "$found" ] && break
    sleep 0.1
  done
  [ -n "$found" ] || fail "$1" "no window in 30 s: $(tail -5 "$2")"
  echo "$found"
}

# A sale typed into window `$1` as a cashier does: the amount `$2`, then a pay code scanned (a
# scanner types it and Enter); the screen kept as `$3`.
sell_in_window() {
  xdotool windowfocus --sync "$1"
  xdotool type --delay 80 "$2"
  sleep 0.5
  xdotool type --delay 5 "130000000000000001"
  xdotool key Return
  sleep 4
  import -window root "$SHOTS/$3"
}

# Whether the ledger in (Windows) folder `$1` holds a paid sale of `$2` yuan.
paid_in_ledger() {
  local sold
  sold=$(wine "$INSTALL/cashier-cli.exe" --data-dir "$1" --sandbox-port 0 history --json \
    2>/dev/null | tr -d '\r')
  case "$sold" in *"\"amount\":\"$2\""*'"status":"paid"'*|*'"status":"paid"'*"\"amount\":\"$2\""*) return 0 ;; esac
  echo "$sold"
  return 1
}

# Installed as a shop would: silently, per machine.
wine "$SETUP" /S > /dev/null 2>&1
INSTALL="$WINEPREFIX/drive_c/Program Files/Cashier"
EXE="$INSTALL/cashier.exe"
[ -f "$EXE" ] && [ -f "$INSTALL/cashier-cli.exe" ] || fail install "no cashier.exe in $INSTALL"
for shortcut in "$WINEPREFIX/drive_c/users/Public/Desktop/收银台.lnk" \
  "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/收银台.lnk"; do
  [ -f "$shortcut" ] || fail install "no shortcut $shortcut"
done
echo "installed silently into Program Files, with the 收银台 shortcuts"

for windows in win7 win10; do
  winecfg -v "$windows" > /dev/null 2>&1
  echo "== Wine as $windows"
  for program in cashier.exe cashier-cli.exe; do
    shown=$(wine "$INSTALL/$program" --version 2>/dev/null | tr -d '\r')
    case "$shown" in *"$VERSION"*) echo "$program --version: $shown" ;;
      *) fail "$windows" "$program --version printed: $shown" ;; esac
  done

  data="$WORK/收银数据-$windows"
  mkdir -p "$data"
  data_w=$(winepath -w "$data" 2>/dev/null)
  cli() { wine "$INSTALL/cashier-cli.exe" --data-dir "$data_w" --sandbox-port 0 "$@" 2>/dev/null | tr -d '\r'; }
  cash=$(cli pay --method cash --amount 3 --tendered 5 --json | tail -1)
  case "$cash" in *'"status":"paid"'*'"change":"2.00"'*|*'"change":"2.00"'*'"status":"paid"'*) echo "cash sale: paid, change 2.00" ;;
    *) fail "$windows" "cash sale: $cash" ;; esac
  wallet=$(cli pay --method wechat-barcode --amount 1.00 --auth-code 130000000000000001 --json | tail -1)
  case "$wallet" in *'"status":"paid"'*) echo "wallet sale on the sandbox: paid" ;; *) fail "$windows" "wallet sale: $wallet" ;; esac

  # The cash sale's receipt: to a file (the ESC/POS bytes land), then to a Windows printer Wine
  # does not have (named in the error, the slip kept waiting). No Wine printer takes RAW jobs
  # here, so the spooler's own path is not run.
  order=$(printf '%s' "$cash" | sed -n 's/.*"order_no":"\([^"]*\)".*/\1/p')
  slip_w=$(winepath -w "$data/slip.bin" 2>/dev/null)
  cli receipt "$order" --printer "file:$slip_w" > /dev/null
  [ -s "$data/slip.bin" ] && grep -q "$order" "$data/slip.bin" || fail "$windows" "no slip in $data/slip.bin"
  echo "receipt printed to a file: $(stat -c %s "$data/slip.bin") bytes"
  said=$(wine "$INSTALL/cashier-cli.exe" --data-dir "$data_w" --sandbox-port 0 receipt "$order" \
    --printer printer:POS-58 2>&1 >/dev/null | tr -d '\r' || true)
  case "$said" in *"找不到 Windows 打印机“POS-58”"*) echo "printer:POS-58 (none under Wine): said, slip kept" ;;
    *) fail "$windows" "a missing Windows printer said: $said" ;; esac
  # The machine's printers (what 设置 → 打印机 offers): a printer installed as Windows lists it,
  # in the user's Devices key, is offered as printer:NAME (a Chinese name too).
  for name in POS-58 "小票打印机"; do
    wine reg add 'HKCU\Software\Microsoft\Windows NT\CurrentVersion\Devices' /v "$name" /t REG_SZ \
      /d 'winspool,USB001:' /f > /dev/null 2>&1
  done
  listed=$(cli printers)
  case "$listed" in *"printer:POS-58"*"printer:小票打印机"*|*"printer:小票打印机"*"printer:POS-58"*)
    echo "printers listed: $(printf '%s' "$listed" | tr '\n' ' ')" ;;
    *) fail "$windows" "the registry's printers not listed: $listed" ;; esac
  # A Chinese printer name reaches the spooler's wide-character call whole (Wine has no queue by
  # that name, so it is named back, the slip kept).
  said=$(wine "$INSTALL/cashier-cli.exe" --data-dir "$data_w" --sandbox-port 0 receipt "$order" \
    --printer "printer:小票打印机" 2>&1 >/dev/null | tr -d '\r' || true)
  case "$said" in *"找不到 Windows 打印机“小票打印机”"*) echo "printer:小票打印机: its name reached the spooler" ;;
    *) fail "$windows" "a Chinese printer name said: $said" ;; esac
  # The spooler's own path: the slip RAW through winspool to a printer Windows has.
  if [ -n "$RAW_QUEUE" ]; then
    cli receipt "$order" --printer "printer:$RAW_QUEUE" > /dev/null \
      || fail "$windows" "printer:$RAW_QUEUE refused the slip"
    spooled=""
    for _ in $(seq 100); do
      spooled=$(grep -l "$order" /var/spool/cups/d* 2> /dev/null | head -1 || true)
      [ -n "$spooled" ] && break
      sleep 0.1
    done
    [ -n "$spooled" ] || fail "$windows" "the slip sent to printer:$RAW_QUEUE never reached the spooler"
    grep -q $'\x1b@' "$spooled" || fail "$windows" "the spooled job is not the slip's ESC/POS bytes"
    echo "printer:$RAW_QUEUE (a CUPS raw queue behind Wine's spooler): the slip's $(stat -c %s "$spooled") bytes spooled RAW"
  else
    echo "NOT RUN: the Windows spooler's path (no cupsd here: apt-get install cups-daemon cups-client)"
  fi

  # The window, from a fresh data folder and no config (the first run): the first-run screen,
  # Enter takes the sandbox, then a keyboard sale — the amount, then a pay code scanned (a scanner
  # types it and Enter). The config a first run writes is in %APPDATA%\cashier: cleared before.
  rm -rf "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/cashier
  fresh="$WORK/窗口-$windows"
  mkdir -p "$fresh"
  fresh_w=$(winepath -w "$fresh" 2>/dev/null)
  wine "$EXE" --data-dir "$fresh_w" --sandbox-port 0 > "$WORK/window-$windows.log" 2>&1 &
  window_pid=$!
  window=$(wait_for_window "$windows" "$WORK/window-$windows.log")
  sleep 3
  import -window root "$SHOTS/first-run-$windows.png"
  # No window manager on Xvfb: the window is given the keyboard as a click would.
  xdotool windowfocus --sync "$window"
  xdotool key Return
  sleep 3
  sell_in_window "$window" "1.23" "sale-$windows.png"
  kill "$window_pid" 2> /dev/null || true
  wait "$window_pid" 2> /dev/null || true
  sold=$(paid_in_ledger "$fresh_w" "1.23") || fail "$windows" "the window's sale is not paid in the ledger: $sold"
  echo "window: first run, sandbox taken, ¥1.23 typed and scanned: paid"
done

# The merchant key in Windows's Credential Manager (the keyring crate's Windows store; Wine keeps
# credentials in its registry): a qht merchant onboarded on the sandbox (the Windows sandbox, on
# loopback) has its key put there, not in the config, and the next sale is signed with the key
# read back from it.
keys="$WORK/收银密钥"
mkdir -p "$keys"
port=18188
wine "$INSTALL/cashier-cli.exe" sandbox --port "$port" > /dev/null 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
  (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
  sleep 0.2
done
printf '[gateway]\nprovider = "qht"\nbase_url = "http://127.0.0.1:%s"\nnotify_url = "http://127.0.0.1:8089/notify"\n' \
  "$port" > "$keys/config.toml"
cat > "$keys/form.toml" <<'FORM'
merchant_name = "梅州小卖部"
cellphone = "13800138000"
id_card = "110101199003074514"
province = "广东省"
city = "梅州市"
district = "蕉岭县"
province_code = "440000"
city_code = "441400"
district_code = "441427"
bank_account = "6217000010012345678"
account_name = "张三"
bank_phone = "13800138000"
bank = "中国工商银行"
bank_code = "102100099996"
branch = "蕉岭支行"
bank_province = "广东省"
bank_city = "梅州市"
bank_district = "蕉岭县"
bank_province_code = "440000"
bank_city_code = "441400"
bank_district_code = "441427"
FORM
keys_w=$(winepath -w "$keys" 2>/dev/null)
kcli() { wine "$INSTALL/cashier-cli.exe" --config "$keys_w\\config.toml" --data-dir "$keys_w\\data" "$@" 2>/dev/null | tr -d '\r'; }
onboarded=$(kcli qht-onboard --form "$keys_w\\form.toml" --json | tail -1 || true)
case "$onboarded" in *'"key_saved_to":"keyring"'*) echo "onboarded: the key went to the Credential Manager" ;;
  *) kill "$sandbox_pid" 2>/dev/null; fail keyring "onboarding under Wine: $onboarded" ;; esac
grep -q 'key_in = "keyring"' "$keys/config.toml" && ! grep -q '^key = ' "$keys/config.toml" \
  || { kill "$sandbox_pid" 2>/dev/null; fail keyring "the key is in the config file: $(grep -c key "$keys/config.toml")"; }
signed=$(kcli pay --method wechat-barcode --amount 1.00 --auth-code 130000000000000001 --json | tail -1 || true)
kill "$sandbox_pid" 2>/dev/null || true
wait "$sandbox_pid" 2>/dev/null || true
case "$signed" in *'"status":"paid"'*) echo "a sale signed with the key read from the Credential Manager: paid" ;;
  *) fail keyring "a sale with the key from the Credential Manager: $signed" ;; esac

# The software renderer (a PC whose OpenGL is 1.1 only): `--renderer software` draws with wgpu on
# a CPU adapter; the window opens and a sale is typed and scanned on it.
soft="$WORK/软件渲染"
mkdir -p "$soft"
soft_w=$(winepath -w "$soft" 2>/dev/null)
wine "$EXE" --renderer software --data-dir "$soft_w" --sandbox-port 0 > "$WORK/window-software.log" 2>&1 &
soft_pid=$!
window=$(wait_for_window software "$WORK/window-software.log")
sleep 3
sell_in_window "$window" "4.56" "software-renderer.png"
kill "$soft_pid" 2> /dev/null || true
wait "$soft_pid" 2> /dev/null || true
sold=$(paid_in_ledger "$soft_w" "4.56") \
  || fail software "the software renderer's sale is not paid: $sold ($(tail -3 "$WORK/window-software.log"))"
echo "software renderer: the window opened, ¥4.56 typed and scanned: paid"
grep -ho "software renderer adapter=.*" "$soft"/logs/*.log 2> /dev/null | head -1 | cut -c1-120 || true

# The customer's screen (issue 25): a second window beside the cashier's under Windows's window
# system, and a sale typed and scanned with it open; then a sale's phrase said through SAPI (the
# script host's SpVoice: Wine's runs it to the end, with no sound card to hear).
shown="$WORK/顾客屏"
mkdir -p "$shown"
printf '[shop]\nname = "好又多便利店"\n\n[customer_screen]\non = true\n' > "$shown/config.toml"
shown_w=$(winepath -w "$shown" 2>/dev/null)
wine "$EXE" --config "$shown_w\\config.toml" --data-dir "$shown_w\\data" --sandbox-port 0 \
  > "$WORK/window-customer.log" 2>&1 &
shown_pid=$!
window=$(wait_for_window customer-screen "$WORK/window-customer.log")
customer=""
for _ in $(seq 100); do
  customer=$(xdotool search --onlyvisible --name "Customer display" 2>/dev/null | head -1 || true)
  [ -n "$customer" ] && break
  sleep 0.1
done
[ -n "$customer" ] || fail customer-screen "no customer window beside the cashier's"
xdotool windowmove --sync "$customer" 1110 0 || true
sell_in_window "$window" "7.89" "customer-screen.png"
kill "$shown_pid" 2> /dev/null || true
wait "$shown_pid" 2> /dev/null || true
sold=$(paid_in_ledger "$shown_w\\data" "7.89") \
  || fail customer-screen "the sale beside the customer's screen is not paid: $sold"
echo "customer screen: its own window beside the cashier's, ¥7.89 typed and scanned: paid"
said=$(wine "$INSTALL/cashier-cli.exe" --data-dir "$shown_w\\data" announce --method alipay-qr \
  --amount 12.34 2> "$WORK/announce.err" | tr -d '\r') \
  || fail announce "SAPI did not say it: $(tr -d '\r' < "$WORK/announce.err")"
[ "$said" = "支付宝收款十二点三四元" ] || fail announce "the phrase: $said"
echo "announce: $said, said through SAPI (cscript)"

# Uninstalled silently: the program and shortcuts go, the shop's data stays.
# (NSIS's uninstaller copies itself to %TEMP% and runs from there: wait for Wine to go quiet.)
wine "$INSTALL/uninstall.exe" /S > /dev/null 2>&1
wineserver -w
[ ! -f "$EXE" ] || fail uninstall "cashier.exe is still there"
[ ! -f "$WINEPREFIX/drive_c/users/Public/Desktop/收银台.lnk" ] || fail uninstall "the shortcut is still there"
ls "$WORK"/收银数据-win10/*.sqlite3 > /dev/null || fail uninstall "the shop's data went"
echo "uninstalled silently: program and shortcuts gone, the data kept"
echo "windows check passed (screenshots in $SHOTS)"
