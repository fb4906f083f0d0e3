#!/bin/sh
# Install headless Chromium and a CJK font for the printable-page browser tests.
# Idempotent: does nothing when /usr/bin/chromium and a CJK font are already there.
# Needs root (CI runners); otherwise it only explains what is missing and exits 0, and the
# browser tests skip locally (under CI=true they fail instead).
set -eu

have_font() {
    command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .
}

if [ -x /usr/bin/chromium ] && have_font; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure_chromium: /usr/bin/chromium or a CJK font is missing and this is not root;" >&2
    echo "  run: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-noto-cjk" >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: apt-get not found; install chromium and fonts-noto-cjk by hand" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk fontconfig
fc-cache -f >/dev/null 2>&1 || true
