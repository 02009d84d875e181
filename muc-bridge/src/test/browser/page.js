// One participant of a Chorus conference call, as a browser client built on StanzaJS would be:
// log in over Prosody's websocket, enter the members-only room, call the conference JID with the
// camera and microphone (send only), and accept every stream the conference calls back with,
// attributed to its publisher by COIN (XEP-0298). The driver reads window.chorus.report().
//
// Query string: ws, jid, password, room (bare room JID), nick, conference, debug (1 logs Jingle XML).

import { createClient, JXT } from 'stanza';

const COIN = 'urn:xmpp:coin:1';
const JIBRI = 'http://jitsi.org/protocol/jibri';
const query = new URLSearchParams(location.search);
const config = {
  ws: query.get('ws'),
  jid: query.get('jid'),
  password: query.get('password'),
  room: query.get('room'),
  nick: query.get('nick'),
  conference: query.get('conference'),
  debug: query.get('debug') === '1',
};

const state = {
  phase: 'starting',
  fullJid: null,
  errors: [],
  outgoing: null,
  /** sid -> { session, publisher, displayText, ended, reason } */
  incoming: new Map(),
  /** sid -> conference-info of the session-initiate, read before StanzaJS creates the session */
  coinBySid: new Map(),
};

function log(...args) {
  console.log(`[${config.nick}]`, ...args);
}

function fail(what, err) {
  const text = `${what}: ${err && err.message ? err.message : JSON.stringify(err)}`;
  state.errors.push(text);
  console.error(`[${config.nick}] ERROR ${text}`);
}

function setPhase(phase) {
  state.phase = phase;
  document.getElementById('status').textContent = phase;
  log('phase', phase);
}

const bare = (jid) => (jid || '').split('/')[0].toLowerCase();

const client = createClient({
  jid: config.jid,
  password: config.password,
  resource: 'browser',
  transports: { websocket: config.ws, bosh: false },
  useStreamManagement: false,
  // loopback only: no STUN server to ask
  jingle: { iceServers: [] },
});

// COIN is not part of StanzaJS's Jingle model; teach its parser the element so that the
// session-initiate of each forwarded stream says whose stream it is.
client.stanzas.define([
  {
    element: 'conference-info',
    namespace: COIN,
    path: 'iq.jingle.conferenceInfo',
    fields: {
      isFocus: JXT.booleanAttribute('isfocus'),
      users: JXT.splicePath(COIN, 'users', 'coinUser', true),
    },
  },
  // Jitsi's recording request, which Chorus accepts from the room's owners (PROTOCOL.md §8)
  {
    element: 'jibri',
    namespace: JIBRI,
    path: 'iq.jibri',
    fields: {
      action: JXT.attribute('action'),
      recordingMode: JXT.attribute('recording_mode'),
      status: JXT.attribute('status'),
      sessionId: JXT.attribute('session_id'),
    },
  },
  {
    element: 'user',
    namespace: COIN,
    path: 'coinUser',
    fields: {
      entity: JXT.attribute('entity'),
      displayText: JXT.childText(COIN, 'display-text'),
    },
  },
]);

if (config.debug) {
  client.on('raw:incoming', (xml) => xml.includes('urn:xmpp:jingle:1') && log('<<', xml));
  client.on('raw:outgoing', (xml) => xml.includes('urn:xmpp:jingle:1') && log('>>', xml));
}

client.jingle.on('log', (level, message) => {
  if (level === 'error' || config.debug) {
    log(`jingle ${level}:`, message);
  }
});

client.on('iq:set:jingle', (iq) => {
  const jingle = iq.jingle;
  if (jingle && jingle.action === 'session-initiate' && jingle.conferenceInfo) {
    state.coinBySid.set(jingle.sid, jingle.conferenceInfo);
  }
});

client.on('session:started', async () => {
  try {
    state.fullJid = client.jid;
    setPhase('online');
    await client.sendPresence();
    await client.joinRoom(config.room, config.nick);
    setPhase('in-room');
    const media = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: 320, height: 240, frameRate: 15 },
    });
    showTile('self', `${config.nick} (you)`, media, true);
    const session = client.jingle.createMediaSession(config.conference);
    // a conference call only sends (PROTOCOL.md §5): every content has senders='initiator'
    for (const track of media.getTracks()) {
      session.pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
      if (track.kind === 'audio') session.includesAudio = true;
      if (track.kind === 'video') session.includesVideo = true;
    }
    state.outgoing = session;
    await session.start();
    setPhase('calling');
  } catch (err) {
    fail('joining the call', err);
    setPhase('failed');
  }
});

// What the gateway says in the room (calls, recordings), shown under the tiles
client.on('groupchat', (msg) => {
  if (bare(msg.from) === bare(config.room) && msg.body) {
    const item = document.createElement('li');
    item.textContent = `${(msg.from || '').split('/')[1] || 'room'}: ${msg.body}`;
    document.getElementById('messages').appendChild(item);
    state.roomMessages = (state.roomMessages || []).concat([msg.body]);
  }
});

/** Starts or stops recording the call; the room is told either way. Owners and admins only. */
async function toggleRecording() {
  const button = document.getElementById('record');
  const action = button.dataset.recording === 'yes' ? 'stop' : 'start';
  try {
    await client.sendIQ({ type: 'set', to: config.conference, jibri: { action, recordingMode: 'file' } });
    button.dataset.recording = action === 'start' ? 'yes' : 'no';
    button.textContent = action === 'start' ? 'Stop recording' : 'Record';
  } catch (err) {
    const error = err && err.error ? `${err.error.condition}${err.error.text ? ': ' + err.error.text : ''}` : String(err);
    log('recording', action, 'refused:', error);
    document.getElementById('status').textContent = `${state.phase} (recording ${action} refused: ${error})`;
  }
}
window.chorusToggleRecording = toggleRecording;
document.getElementById('record').addEventListener('click', toggleRecording);

client.on('jingle:accepted', (session) => {
  if (session === state.outgoing) {
    setPhase('in-call');
  }
});

client.on('jingle:incoming', (session) => {
  if (bare(session.peerID) !== bare(config.conference)) {
    log('declining a session from', session.peerID);
    session.decline();
    return;
  }
  const coin = state.coinBySid.get(session.sid);
  const user = coin && coin.users && coin.users[0];
  const publisher = user && user.entity ? user.entity.replace(/^xmpp:/, '') : null;
  if (!publisher) {
    fail(`session ${session.sid}`, 'no COIN user names the publisher');
  }
  log('incoming stream of', publisher, user && user.displayText, session.sid);
  state.incoming.set(session.sid, {
    session,
    publisher,
    displayText: user ? user.displayText : null,
    ended: false,
    reason: null,
  });
  // StanzaJS applies the offer before it tells about the session, so the tracks may be there already
  const label = (user && user.displayText) || publisher || 'someone';
  const remote = new MediaStream(session.pc.getReceivers().map((r) => r.track).filter(Boolean));
  showTile(session.sid, label, remote, false);
  session.pc.addEventListener('track', (event) => {
    if (!remote.getTracks().includes(event.track)) {
      remote.addTrack(event.track);
    }
  });
  session.accept().catch((err) => fail(`accepting ${session.sid}`, err));
});

/** A video tile for a person, so that the page is usable by people as well as by the test driver. */
function showTile(id, label, stream, muted) {
  let tile = document.getElementById(`tile-${id}`);
  if (!tile) {
    tile = document.createElement('figure');
    tile.id = `tile-${id}`;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = muted;
    const caption = document.createElement('figcaption');
    caption.textContent = label;
    tile.append(video, caption);
    document.getElementById('tiles').append(tile);
  }
  const video = tile.querySelector('video');
  if (video.srcObject !== stream) {
    video.srcObject = stream;
  }
}

client.on('jingle:terminated', (session, reason) => {
  const condition = reason && reason.condition;
  const entry = state.incoming.get(session.sid);
  if (entry) {
    entry.ended = true;
    entry.endedAt = Date.now();
    entry.reason = condition || null;
    const tile = document.getElementById(`tile-${session.sid}`);
    if (tile) tile.remove();
  }
  log('session ended', session.sid, condition, reason && reason.text ? reason.text : '');
  if (session === state.outgoing) {
    state.outgoingEnd = { reason: condition || null, at: Date.now() };
    setPhase('call-ended');
  }
});

client.on('disconnected', () => log('disconnected'));
client.on('stream:error', (err) => fail('stream error', err));
client.on('auth:failed', () => {
  fail('login', 'authentication failed');
  setPhase('failed');
});

async function rtpStats(pc, type) {
  const out = [];
  if (!pc || pc.signalingState === 'closed') {
    return out;
  }
  try {
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type === type) {
        out.push({
          kind: report.kind,
          ssrc: report.ssrc,
          packets: type === 'inbound-rtp' ? report.packetsReceived : report.packetsSent,
          frames: type === 'inbound-rtp' ? report.framesDecoded : report.framesEncoded,
          bytes: type === 'inbound-rtp' ? report.bytesReceived : report.bytesSent,
        });
      }
    });
  } catch (err) {
    // a closed session has no stats any more
  }
  return out;
}

window.chorus = {
  /** What the gateway said in the room so far (bodies). */
  roomMessages() {
    return state.roomMessages || [];
  },
  /** Presses the Record button; resolves when the gateway answered. */
  async toggleRecording() {
    await toggleRecording();
    return document.getElementById('record').dataset.recording;
  },
  async report() {
    const outgoing = state.outgoing;
    const incoming = [];
    for (const [sid, entry] of state.incoming) {
      const pc = entry.session.pc;
      incoming.push({
        sid,
        publisher: entry.publisher,
        displayText: entry.displayText,
        ended: entry.ended,
        endedAt: entry.endedAt || null,
        reason: entry.reason,
        connectionState: pc ? pc.connectionState : null,
        inbound: await rtpStats(pc, 'inbound-rtp'),
      });
    }
    return {
      nick: config.nick,
      jid: state.fullJid,
      phase: state.phase,
      errors: state.errors,
      outgoing: outgoing
        ? {
            sid: outgoing.sid,
            state: outgoing.state,
            connectionState: outgoing.pc.connectionState,
            outbound: await rtpStats(outgoing.pc, 'outbound-rtp'),
            end: state.outgoingEnd || null,
          }
        : null,
      incoming,
    };
  },
  /**
   * Closes the peer connection of the own call as a browser tab that goes away does: DTLS sends
   * close_notify, and no Jingle is sent. Returns when it was closed (ms since the epoch).
   */
  closeOwnConnection() {
    const pc = state.outgoing && state.outgoing.pc;
    if (!pc) return null;
    pc.close();
    log('closed the peer connection of the own call, without Jingle');
    return Date.now();
  },
  /** Hangs up (session-terminate of the own call ends every session), then logs out. */
  async hangUp() {
    if (state.outgoing && state.outgoing.state !== 'ended') {
      state.outgoing.end('success');
    }
    for (const entry of state.incoming.values()) {
      if (!entry.ended) {
        entry.session.end('success', true);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.disconnect();
  },
};

setPhase('connecting');
client.connect();
