#!/usr/bin/env bash
# Builds Chorus and runs every test, unit and end-to-end, on a Debian machine: installs what the
# tests need (Prosody, a JDK, Maven), then runs Maven at the root. Run: bash config/run-tests.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
command -v prosody >/dev/null || missing+=(prosody)
command -v mvn >/dev/null || missing+=(maven)
command -v javac >/dev/null && javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])' || missing+=(openjdk-17-jdk-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The tests start their own Prosody instances on free loopback ports; a packaged Prosody service
# that apt may have started does not get in their way.

cd "$here"
exec mvn -B -ntp verify "$@"
