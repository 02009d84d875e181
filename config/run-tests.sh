#!/usr/bin/env bash
# Builds Chorus and runs every test, unit and end-to-end, on a Debian machine: installs what the
# tests need (Prosody, a JDK, Maven; Chromium, Node.js and npm for the browser call test, with that
# test's npm packages from its lock file; ffprobe to check recordings independently of the
# recorder's own FFmpeg, and nginx with its RTMP module as a real live-stream ingest), then runs
# Maven at the root. Run: bash config/run-tests.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
command -v prosody >/dev/null || missing+=(prosody)
command -v mvn >/dev/null || missing+=(maven)
command -v javac >/dev/null && javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])' || missing+=(openjdk-17-jdk-headless)
# The browser call test drives Debian's chromium (never a downloaded browser) from Node.js
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v nginx >/dev/null || missing+=(nginx-light)
[ -e /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing+=(libnginx-mod-rtmp)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The tests start their own Prosody and nginx instances on free loopback ports; packaged services
# that apt may have started do not get in their way.

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "Node.js 18 or later is needed for the browser call test; found $(node --version)" >&2
  exit 1
fi
# The browser harness's packages (playwright-core, stanza, esbuild), exactly as locked; again only
# when the lock file changed since the last install
browser="$here/muc-bridge/src/test/browser"
if [ ! -f "$browser/node_modules/.package-lock.json" ] \
    || [ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
  echo "Installing the browser test's npm packages"
  (cd "$browser" && npm ci --no-audit --no-fund)
fi

cd "$here"
exec mvn -B -ntp verify "$@"
