#!/usr/bin/env bash
# Chorus demo on one Debian machine: Prosody on loopback, the gateway, a recorder, and a
# members-only room that two demo users can call and record. Run from anywhere: bash config/run-demo.sh   (root, or sudo)
# Stop it with Ctrl-C. Settings: CHORUS_DEMO_DIR (default: target/demo in the checkout).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="${CHORUS_DEMO_DIR:-$here/target/demo}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

say() { printf '\n== %s\n' "$*"; }

# --- 1. what the demo needs ------------------------------------------------------------------
missing=()
command -v prosody >/dev/null || missing+=(prosody)
command -v mvn >/dev/null || missing+=(maven)
command -v javac >/dev/null && javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])' || missing+=(openjdk-17-jdk-headless)
# the call page for browser tabs is bundled and served with Node.js
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
fresh_prosody=no
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]}"
  [[ " ${missing[*]} " == *" prosody "* ]] && fresh_prosody=yes
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian starts its own Prosody service on install; the demo runs its own instance instead.
if [ "$fresh_prosody" = yes ] && command -v systemctl >/dev/null && systemctl is-active --quiet prosody 2>/dev/null; then
  say "Stopping the packaged Prosody service (the demo runs its own Prosody on the same ports)"
  $sudo systemctl disable --now prosody >/dev/null 2>&1 || true
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
c2s=5222 component=5347 http=5280
if ! port_free $c2s || ! port_free $component || ! port_free $http; then
  c2s=15222 component=15347 http=15280
  echo "Ports 5222/5347/5280 are taken (another XMPP server?); the demo uses $c2s/$component/$http."
fi

# --- 2. build --------------------------------------------------------------------------------
say "Building Chorus"
(cd "$here" && mvn -B -q -ntp -DskipTests install)
jar="$here/muc-bridge/target/chorus-gateway.jar"
recorder_jar="$here/recorder/target/chorus-recorder.jar"

# --- 3. Prosody ------------------------------------------------------------------------------
say "Starting Prosody on 127.0.0.1 (client port $c2s)"
mkdir -p "$demo/prosody-data" "$demo/certs" "$demo/gateway" "$demo/recorder" "$demo/recordings"
secret_file="$demo/component.secret"
[ -s "$secret_file" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$secret_file")
secret="$(cat "$secret_file")"
run_as_root=""
[ "$(id -u)" -eq 0 ] && run_as_root="run_as_root = true"
sed -e "s|@DEMO@|$demo|g" -e "s|@C2S_PORT@|$c2s|" -e "s|@COMPONENT_PORT@|$component|" \
    -e "s|@HTTP_PORT@|$http|" -e "s|@SECRET@|$secret|" -e "s|@RUN_AS_ROOT@|$run_as_root|" \
    "$here/config/prosody/demo.cfg.lua.in" > "$demo/prosody.cfg.lua"
chmod 600 "$demo/prosody.cfg.lua"
cfg="$demo/prosody.cfg.lua"

gateway_pid=""
recorder_pid=""
page_pid=""
saved_pid=""
cleanup() {
  trap "" INT TERM; trap - EXIT
  [ -n "$page_pid" ] && kill "$page_pid" 2>/dev/null || true
  # the recorder finalizes what it records before it exits
  [ -n "$recorder_pid" ] && kill "$recorder_pid" 2>/dev/null && wait "$recorder_pid" 2>/dev/null || true
  [ -n "$saved_pid" ] && kill "$saved_pid" 2>/dev/null || true
  [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
  prosodyctl --config "$cfg" stop >/dev/null 2>&1 || true
  echo; echo "Demo stopped."
}
trap cleanup EXIT INT TERM

# Prosody runs as a daemon, so that it can be killed and started again under the running gateway.
prosodyctl --config "$cfg" stop >/dev/null 2>&1 || true
prosodyctl --config "$cfg" start >/dev/null
for _ in $(seq 1 50); do port_free $component || break; sleep 0.2; done
port_free $component && { echo "Prosody did not start; see $demo/prosody.log"; exit 1; }

# --- 4. demo users and a members-only, non-anonymous room ------------------------------------
say "Creating users alice and bob, the room demo@conference.localhost, and the recorders' brewery"
for user in alice bob recorder1; do
  pw_file="$demo/$user.password"
  [ -s "$pw_file" ] || (umask 077; head -c 9 /dev/urandom | base64 | tr -d '/+=' > "$pw_file")
  prosodyctl --config "$cfg" register "$user" localhost "$(cat "$pw_file")" >/dev/null
done
prosodyctl --config "$cfg" shell >/dev/null <<'LUA'
muc:create("demo@conference.localhost")
muc:room("demo@conference.localhost"):set_name("Chorus demo")
muc:room("demo@conference.localhost"):set_members_only(true)
muc:room("demo@conference.localhost"):set_whois("anyone")
muc:room("demo@conference.localhost"):set_persistent(true)
muc:room("demo@conference.localhost"):set_affiliation(true, "alice@localhost", "owner")
muc:room("demo@conference.localhost"):set_affiliation(true, "bob@localhost", "member")
muc:create("recorders@conference.localhost")
muc:room("recorders@conference.localhost"):set_name("Chorus recorders")
muc:room("recorders@conference.localhost"):set_whois("anyone")
muc:room("recorders@conference.localhost"):set_hidden(true)
muc:room("recorders@conference.localhost"):set_persistent(true)
LUA

# --- 5. the gateway --------------------------------------------------------------------------
say "Starting the Chorus gateway as av.localhost"
cat > "$demo/gateway/chorus.conf" <<CONF
chorus {
  xmpp { host = "127.0.0.1", port = $component, domain = "av.localhost" }
  muc { service = "conference.localhost", rooms = [ "demo" ] }
  media { port = 10000, bind-address = "127.0.0.1", allow-loopback = true }
  recording { brewery = "recorders@conference.localhost", recorders = [ "recorder1@localhost" ] }
  data-dir = "$demo/gateway"
}
CONF
CHORUS_XMPP_SECRET="$secret" java -jar "$jar" --config "$demo/gateway/chorus.conf" > "$demo/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 50); do grep -q "joined as" "$demo/gateway.log" 2>/dev/null && break; sleep 0.2; done
grep -q "joined as" "$demo/gateway.log" || { echo "The gateway did not join the room:"; tail -5 "$demo/gateway.log"; exit 1; }

# --- 6. a recorder ---------------------------------------------------------------------------
say "Starting a recorder (recordings go to $demo/recordings)"
cat > "$demo/recorder/finalize.sh" <<'SH'
#!/bin/sh
# The demo's finalize script: it runs with the recording's folder as its one argument.
echo "Recording saved in $1:"
ls -l "$1"
SH
chmod +x "$demo/recorder/finalize.sh"
cat > "$demo/recorder/recorder.conf" <<CONF
chorus.recorder {
  xmpp { host = "127.0.0.1", port = $c2s, domain = "localhost", username = "recorder1", resource = "demo", security = disabled }
  brewery = "recorders@conference.localhost"
  nick = "recorder1"
  accept-from = [ "av.localhost" ]
  recordings-dir = "$demo/recordings"
  finalize-script = "$demo/recorder/finalize.sh"
  javacpp-cache-dir = "$demo/recorder/javacpp-cache"
  min-free-space = 100MiB
  media { bind-address = "127.0.0.1", allow-loopback = true }
}
CONF
CHORUS_RECORDER_XMPP_PASSWORD="$(cat "$demo/recorder1.password")" \
  java -jar "$recorder_jar" --config "$demo/recorder/recorder.conf" > "$demo/recorder.log" 2>&1 &
recorder_pid=$!
for _ in $(seq 1 100); do grep -q "Joined the brewery" "$demo/recorder.log" 2>/dev/null && break; sleep 0.2; done
grep -q "Joined the brewery" "$demo/recorder.log" || { echo "The recorder did not start:"; tail -5 "$demo/recorder.log"; exit 1; }
# print where each finished recording went
(tail -n0 -F "$demo/recorder.log" 2>/dev/null | grep --line-buffered " finalize: " \
  | sed -u -e 's/.* finalize: Recording saved in/== Recording saved in/' -e 's/.* finalize: /   /') &
saved_pid=$!

# --- 7. the call page for browser tabs ------------------------------------------------------
page_port="${CHORUS_DEMO_PAGE_PORT:-8080}"
browser="$here/muc-bridge/src/test/browser"
if [ ! -f "$browser/node_modules/.package-lock.json" ] \
    || [ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
  say "Installing the call page's npm packages"
  (cd "$browser" && npm ci --no-audit --no-fund --silent)
fi
node "$browser/serve-demo.mjs" "$page_port" > "$demo/page.log" 2>&1 &
page_pid=$!
page_url() {
  printf 'http://127.0.0.1:%s/?ws=ws://127.0.0.1:%s/xmpp-websocket&jid=%s@localhost&password=%s&room=demo@conference.localhost&nick=%s&conference=demo@av.localhost' \
    "$page_port" "$http" "$1" "$(cat "$demo/$1.password")" "$1"
}

cat <<INFO

Chorus demo is running.
  XMPP server     127.0.0.1:$c2s (no TLS), domain localhost; websocket ws://127.0.0.1:$http/xmpp-websocket
  users           alice@localhost  password $(cat "$demo/alice.password")   (room owner)
                  bob@localhost    password $(cat "$demo/bob.password")   (member)
  room            demo@conference.localhost (members-only, non-anonymous)
  call it at      demo@av.localhost   (service discovery on av.localhost shows conference/audio-video)
  recorder        recorder1@localhost in recorders@conference.localhost; files in $demo/recordings
  logs            $demo/gateway.log  $demo/recorder.log  $demo/prosody.log
  restart Prosody prosodyctl --config $cfg restart    (the gateway reconnects by itself)

Call from two browser tabs on this machine (allow the camera and microphone):
  alice  $(page_url alice)
  bob    $(page_url bob)
Or from any XMPP client with Jingle A/V: log in as alice or bob, enter the room, call demo@av.localhost.
To record: in alice's tab (the owner) press Record, later Stop recording; the room is told both
times, and the folder with the files and metadata.json is printed here when it is finalized.
From another client: the ad-hoc command chorus:record on demo@av.localhost (owners and admins).
Press Ctrl-C to stop.
INFO
wait "$gateway_pid"
