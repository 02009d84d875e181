#!/usr/bin/env node
// Drives a Chorus conference call with headless Chromium: one page per participant (page.js, over
// Prosody's websocket), all calling the same conference JID. Waits until every participant decodes
// video and receives audio from each of the others, and nothing of its own, then prints one JSON
// line on stdout and exits 0; on failure or timeout the line has "ok": false and the exit code is 1.
// Page console output goes to stderr.
//
//   node run-call.mjs --ws ws://127.0.0.1:5280/xmpp-websocket --room trio@conference.localhost \
//     --conference trio@av.localhost --participant alice,alice@localhost,secret \
//     --participant bob,bob@localhost,secret [--timeout 60] [--min-frames 15] [--min-audio-packets 25]
//     [--chromium /usr/bin/chromium] [--debug] [--record-seconds 0] [--close-connection bob
//     --close-wait 4]
// With --record-seconds N the first participant (who must own the room) presses Record once every
// page receives the others, keeps the call up N seconds after the room says "Recording started",
// then stops the recording; the result's "recording" lists what the room said.
// With --close-connection NICK that participant, once every page receives the others, closes the
// peer connection of its own call without a word of Jingle (DTLS close_notify only), and the driver
// waits up to --close-wait seconds for the conference to end that participant's sessions; the
// result's "closing" says when each ended and why, in ms after the close.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const started = Date.now();

function parseArgs(argv) {
  const args = {
    participants: [],
    timeout: 60,
    minFrames: 15,
    minAudioPackets: 25,
    chromium: '/usr/bin/chromium',
    debug: process.env.CHORUS_BROWSER_DEBUG === '1',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--ws': args.ws = value(); break;
      case '--room': args.room = value(); break;
      case '--conference': args.conference = value(); break;
      case '--participant': {
        const [nick, jid, ...password] = value().split(',');
        args.participants.push({ nick, jid, password: password.join(',') });
        break;
      }
      case '--timeout': args.timeout = Number(value()); break;
      case '--min-frames': args.minFrames = Number(value()); break;
      case '--min-audio-packets': args.minAudioPackets = Number(value()); break;
      case '--chromium': args.chromium = value(); break;
      case '--debug': args.debug = true; break;
      case '--record-seconds': args.recordSeconds = Number(value()); break;
      case '--close-connection': args.closeConnection = value(); break;
      case '--close-wait': args.closeWait = Number(value()); break;
      default: throw new Error(`unknown argument ${flag}`);
    }
  }
  for (const required of ['ws', 'room', 'conference']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  if (args.participants.length < 2) throw new Error('at least two --participant are needed');
  return args;
}

const bare = (jid) => (jid || '').split('/')[0].toLowerCase();

async function bundlePage() {
  const result = await build({
    entryPoints: [join(here, 'page.js')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

async function serve(files) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const file = files[path];
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

/**
 * One page closes its own call's peer connection; waits (at most closeWait seconds) until the
 * conference has ended its own session and every other page's session carrying its stream, then
 * says when each ended (ms after the close) and with which reason. Ends not seen are null.
 */
async function closeConnection(args, pages) {
  const index = args.participants.findIndex((p) => p.nick === args.closeConnection);
  if (index < 0) return { failure: `--close-connection ${args.closeConnection} is no participant` };
  const closer = args.participants[index];
  const closedAt = await pages[index].evaluate(() => window.chorus.closeOwnConnection());
  if (!closedAt) return { failure: `${closer.nick} has no call to close` };
  const waitMs = (args.closeWait || 4) * 1000;
  let ends = [];
  let own = null;
  while (true) {
    const reports = await Promise.all(pages.map((page) => page.evaluate(() => window.chorus.report())));
    const end = reports[index].outgoing && reports[index].outgoing.end;
    own = end ? { reason: end.reason, afterMs: end.at - closedAt } : null;
    ends = reports
      .map((r, i) => ({ r, i }))
      .filter(({ i }) => i !== index)
      .map(({ r, i }) => {
        const session = r.incoming.find((s) => bare(s.publisher) === bare(closer.jid));
        return {
          nick: args.participants[i].nick,
          sid: session ? session.sid : null,
          reason: session && session.ended ? session.reason : null,
          afterMs: session && session.ended && session.endedAt ? session.endedAt - closedAt : null,
        };
      });
    const done = own !== null && ends.every((e) => e.afterMs !== null);
    if (done || Date.now() - closedAt > waitMs) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { nick: closer.nick, waitMs, own, ends };
}

/** The owner's page records the call for a while: Record, wait, Stop, as a person would. */
async function record(page, seconds) {
  const said = () => page.evaluate(() => window.chorus.roomMessages());
  const waitFor = async (prefix, timeoutMs) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if ((await said()).some((m) => m.startsWith(prefix))) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  };
  if ((await page.evaluate(() => window.chorus.toggleRecording())) !== 'yes') {
    return { messages: await said(), failure: 'the Record button was refused' };
  }
  if (!(await waitFor('Recording started', 30000))) {
    return { messages: await said(), failure: 'the room never said "Recording started"' };
  }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await page.evaluate(() => window.chorus.toggleRecording());
  if (!(await waitFor('Recording stopped', 30000))) {
    return { messages: await said(), failure: 'the room never said "Recording stopped"' };
  }
  return { messages: await said(), seconds };
}

/** Per participant: what it received from whom, and what went wrong. */
function evaluate(args, reports) {
  const failures = [];
  const outboundSsrcs = new Map();
  for (const r of reports) {
    const own = (r.outgoing ? r.outgoing.outbound : []).map((s) => s.ssrc);
    outboundSsrcs.set(bare(r.jid || ''), new Set(own));
  }
  const participants = reports.map((r, i) => {
    const me = args.participants[i];
    const myJid = bare(me.jid);
    const others = args.participants.filter((p) => p !== me).map((p) => bare(p.jid));
    const ownSsrcs = outboundSsrcs.get(myJid) || new Set();
    const problems = r.errors.map((e) => `${me.nick}: ${e}`);
    const received = [];
    for (const other of others) {
      const sessions = r.incoming.filter((s) => bare(s.publisher) === other);
      const video = sessions.flatMap((s) => s.inbound.filter((x) => x.kind === 'video'));
      const audio = sessions.flatMap((s) => s.inbound.filter((x) => x.kind === 'audio'));
      const entry = {
        publisher: other,
        sessions: sessions.length,
        framesDecoded: video.reduce((n, x) => n + (x.frames || 0), 0),
        audioPacketsReceived: audio.reduce((n, x) => n + (x.packets || 0), 0),
        videoSsrcs: video.map((x) => x.ssrc),
        audioSsrcs: audio.map((x) => x.ssrc),
      };
      received.push(entry);
      if (entry.sessions === 0) {
        problems.push(`${me.nick}: no session carries ${other}'s stream`);
      } else {
        if (entry.framesDecoded < args.minFrames) {
          problems.push(`${me.nick}: ${entry.framesDecoded} video frames decoded from ${other}`);
        }
        if (entry.audioPacketsReceived < args.minAudioPackets) {
          problems.push(`${me.nick}: ${entry.audioPacketsReceived} audio packets received from ${other}`);
        }
      }
      const theirs = outboundSsrcs.get(other);
      const foreign = [...entry.videoSsrcs, ...entry.audioSsrcs].filter((s) => theirs && theirs.size && !theirs.has(s));
      if (foreign.length) {
        problems.push(`${me.nick}: the session COIN names ${other} carries SSRCs ${foreign} that ${other} does not send`);
      }
    }
    const ownSessions = r.incoming.filter((s) => bare(s.publisher) === myJid);
    const unattributed = r.incoming.filter((s) => !s.publisher || ![...others, myJid].includes(bare(s.publisher)));
    const ownMedia = r.incoming.flatMap((s) => s.inbound).filter((x) => ownSsrcs.has(x.ssrc));
    if (ownSessions.length) problems.push(`${me.nick}: ${ownSessions.length} session(s) carry its own stream`);
    if (unattributed.length) problems.push(`${me.nick}: ${unattributed.length} session(s) from an unknown publisher`);
    if (ownMedia.length) problems.push(`${me.nick}: receives its own SSRCs ${ownMedia.map((x) => x.ssrc)}`);
    if (!r.outgoing || r.outgoing.outbound.length === 0) problems.push(`${me.nick}: sends nothing`);
    failures.push(...problems);
    return {
      nick: me.nick,
      jid: myJid,
      phase: r.phase,
      errors: r.errors,
      ownSsrcs: [...ownSsrcs],
      ownStreamReceived: ownSessions.length > 0 || ownMedia.length > 0,
      received,
      incoming: r.incoming.map((s) => ({
        sid: s.sid,
        publisher: s.publisher,
        displayText: s.displayText,
        ended: s.ended,
        reason: s.reason,
        connectionState: s.connectionState,
        inbound: s.inbound,
      })),
    };
  });
  return { failures, participants };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const [html, script] = await Promise.all([readFile(join(here, 'index.html')), bundlePage()]);
  const server = await serve({
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/index.html': { type: 'text/html; charset=utf-8', body: html },
    '/page.bundle.js': { type: 'text/javascript; charset=utf-8', body: script },
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = await mkdtemp(join(tmpdir(), 'chorus-chromium-'));
  let browser;
  let result = { ok: false, failures: ['not started'], participants: [] };
  try {
    // launchPersistentContext is how Playwright takes a fresh --user-data-dir of our own
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: args.chromium,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    browser = context;
    const pages = [];
    for (const p of args.participants) {
      const page = pages.length === 0 && context.pages().length ? context.pages()[0] : await context.newPage();
      page.on('console', (m) => process.stderr.write(`[page ${p.nick}] ${m.type()}: ${m.text()}\n`));
      page.on('pageerror', (e) => process.stderr.write(`[page ${p.nick}] uncaught: ${e.message}\n`));
      const query = new URLSearchParams({
        ws: args.ws,
        jid: p.jid,
        password: p.password,
        room: args.room,
        nick: p.nick,
        conference: args.conference,
        debug: args.debug ? '1' : '0',
      });
      await page.goto(`${origin}/?${query}`);
      pages.push(page);
    }
    const deadline = started + args.timeout * 1000;
    let reports = [];
    let evaluation = { failures: ['no report yet'], participants: [] };
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      reports = await Promise.all(pages.map((page) => page.evaluate(() => window.chorus.report())));
      evaluation = evaluate(args, reports);
      if (evaluation.failures.length === 0 || reports.some((r) => r.phase === 'failed')) {
        break;
      }
    }
    let recording = null;
    if (evaluation.failures.length === 0 && args.recordSeconds > 0) {
      recording = await record(pages[0], args.recordSeconds);
      if (recording.failure) evaluation.failures.push(recording.failure);
    }
    let closing = null;
    if (evaluation.failures.length === 0 && args.closeConnection) {
      closing = await closeConnection(args, pages);
      if (closing.failure) evaluation.failures.push(closing.failure);
    }
    result = {
      ok: evaluation.failures.length === 0,
      recording,
      closing,
      elapsedMs: Date.now() - started,
      minFrames: args.minFrames,
      minAudioPackets: args.minAudioPackets,
      chromium: context.browser() ? context.browser().version() : null,
      failures: evaluation.failures,
      participants: evaluation.participants,
    };
    await Promise.all(pages.map((page) => page.evaluate(() => window.chorus.hangUp()).catch(() => {})));
  } catch (err) {
    result = { ok: false, elapsedMs: Date.now() - started, failures: [String(err && err.stack ? err.stack : err)], participants: [] };
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.close();
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exitCode = result.ok ? 0 : 1;
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ ok: false, failures: [String(err && err.stack ? err.stack : err)], participants: [] }) + '\n');
  process.exitCode = 2;
});
