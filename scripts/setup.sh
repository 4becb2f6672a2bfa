#!/usr/bin/env bash
# Install everything Fix My Service needs on a Debian/Ubuntu machine: system tools, a virtualenv, the package.
# Safe to run again: it only installs what is missing. Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# ffmpeg/ffprobe decode callers' audio; espeak-ng and sox make test speech; chromium runs the browser tests,
# with Noto fonts for Mongolian Cyrillic and Khmer (core) and for the Korean test deployment's Hangul (cjk)
# in their screenshots; wrk drives benchmarks/webhooks.py. The radio episodes need Pango for weasyprint's PDF
# run sheets (Noto and Khmer OS fonts render Mongolian Cyrillic and Khmer), and the tests read their
# output back with independent tools: poppler-utils (pdftotext, pdftoppm) and loudgain.
APT_PACKAGES=(ffmpeg espeak-ng sox chromium fonts-noto-core fonts-noto-cjk fonts-khmeros wrk
    libpango-1.0-0 libpangoft2-1.0-0 poppler-utils loudgain)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "setup: installing system packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# The staff pages' interface languages: compile each .po to the .mo gettext reads (the .mo is not committed).
.venv/bin/pybabel compile -d staff/locale -D messages --statistics
echo "setup: done (.venv/bin/fixmyservice is ready)"
