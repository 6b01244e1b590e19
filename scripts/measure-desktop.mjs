#!/usr/bin/env node
// The desktop's start-up time and memory beside an empty Tauri 2 window (the floor,
// tests/empty-window/), measured in the same run. scripts/measure-desktop.sh builds both in release
// and runs this under Xvfb; run it directly only with a DISPLAY and both binaries built.
//
// Every start goes the way the end-to-end tests start the app: tauri-driver launches the binary
// for a WebDriver session, on a copy of one demo store file and an empty WebKit data folder (the
// user's caches stay: a till starts with them warm). Times run from the app process's start (its
// start time in /proc/<pid>/stat, 10 ms ticks) to the moment a check running inside the page
// first sees the state (it looks every 4 ms in the page; nothing sleeps for a time). Memory is PSS
// summed over the app process and every process under it (WebKit's web and network processes),
// from /proc/<pid>/smaps_rollup, once the screen has been idle for --settle-ms; tauri-driver and
// WebKitWebDriver are not counted. Sales are driven through the keyboard like a cashier: keys go
// to whatever has the focus (scan a demo barcode, F9, Enter pays cash, Enter for the next customer).
//
// Usage: node scripts/measure-desktop.mjs [options]
//   --runs N        starts of each kind (default 3); a run is the floor, the login, then the sales
//   --sales N       sales per run (default 200), memory sampled after the first and every --every
//   --every N       (default 50)
//   --settle-ms MS  idle time before each memory sample (default 2000)
//   --json FILE     every figure of every sample, by process
//   --probe         also looks for what a leak would leave behind: JavaScriptCore's heap after
//                   each full collection (JSC_logGC), DOM nodes, listeners, timers, audio nodes,
//                   object URLs, pending IPC callbacks, console messages, and PSS by mapping
//   --quiet-load L  before each start, wait (at most --quiet-wait-s, default 180) for the 1-minute
//                   load average to fall under L (default 2): other builds slow starts down
//   --no-audio      hides Web Audio from the page before the first sale (an experiment)
//   --css RULES     adds a style sheet to the page before the first sale (an experiment)
//   --env K=V       sets K=V for the floor and the app alike (e.g. WEBKIT_DISABLE_COMPOSITING_MODE=1)
//   --app PATH, --floor PATH, --barcodes A,B   what to start and what to sell

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ------------------------------------------------------------------------------- options

function parseArgs(argv) {
  const o = {
    runs: 3,
    sales: 200,
    every: 50,
    settleMs: 2000,
    probe: false,
    noAudio: false,
    css: null,
    quietLoad: 2,
    quietWaitS: 180,
    env: {},
    json: null,
    app: path.join(ROOT, 'target/release/pharmapos-desktop'),
    floor: path.join(ROOT, 'target/release/empty-window'),
    barcodes: ['6914624021096'], // 对乙酰氨基酚片 3.50: no prescription, no register, cash
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Number(v());
    else if (a === '--sales') o.sales = Number(v());
    else if (a === '--every') o.every = Number(v());
    else if (a === '--settle-ms') o.settleMs = Number(v());
    else if (a === '--probe') o.probe = true;
    else if (a === '--no-audio') o.noAudio = true;
    else if (a === '--css') o.css = v();
    else if (a === '--quiet-load') o.quietLoad = Number(v());
    else if (a === '--quiet-wait-s') o.quietWaitS = Number(v());
    else if (a === '--env') {
      const [k, ...rest] = v().split('=');
      o.env[k] = rest.join('=');
    }
    else if (a === '--json') o.json = v();
    else if (a === '--app') o.app = path.resolve(v());
    else if (a === '--floor') o.floor = path.resolve(v());
    else if (a === '--barcodes') o.barcodes = v().split(',');
    else if (a === '-h' || a === '--help') {
      const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
      console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// ------------------------------------------------------------------------------- clocks

/** Wall-clock milliseconds with sub-millisecond resolution (the page reports the same clock). */
function nowMs() {
  return performance.timeOrigin + performance.now();
}

/**
 * The wall-clock time of boot, in ms: /proc/uptime counts 10 ms steps of the boot clock, so the
 * moment it steps is found by reading it until it changes (exact to the read loop's latency).
 */
function bootEpochMs() {
  const read = () => Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const first = read();
  for (;;) {
    const up = read();
    const at = nowMs();
    if (up !== first) return at - up * 1000;
  }
}

const TICK_MS = 1000 / 100; // USER_HZ (getconf CLK_TCK) is 100 on Linux

/** Wall-clock ms at which the process started (to within one 10 ms tick, rounded down). */
function processStartMs(pid, bootMs) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 22 (starttime), counted after the command name in parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return bootMs + Number(fields[19]) * TICK_MS;
}

// ------------------------------------------------------------------------------- processes

function processTable() {
  const table = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.set(Number(entry), { pid: Number(entry), ppid, comm });
    } catch {
      // Gone while we looked.
    }
  }
  return table;
}

function descendants(table, root) {
  const out = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift();
    for (const p of table.values()) {
      if (p.ppid === pid) {
        out.push(p);
        queue.push(p.pid);
      }
    }
  }
  return out;
}

/** The process under `driverPid` running `exe`. */
function findApp(driverPid, exe) {
  const real = fs.realpathSync(exe);
  for (const p of descendants(processTable(), driverPid)) {
    try {
      if (fs.readlinkSync(`/proc/${p.pid}/exe`) === real) return p.pid;
    } catch {
      // Not ours to read, or gone.
    }
  }
  return null;
}

function smapsRollup(pid) {
  const kb = {};
  for (const line of fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) kb[m[1]] = Number(m[2]);
  }
  return kb;
}

/** PSS by mapping (a file, [heap], [anon], …) of one process, in kB: where a process grew. */
function pssByMapping(pid) {
  const out = {};
  let name = null;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] || '[anon]';
      continue;
    }
    const pss = /^Pss:\s+(\d+) kB/.exec(line);
    if (pss && name) out[name] = (out[name] ?? 0) + Number(pss[1]);
  }
  return out;
}

/** PSS (and its anonymous part) of the app and everything under it, in MB, whole and by process. */
function memory(appPid) {
  const table = processTable();
  const procs = [{ pid: appPid, comm: table.get(appPid)?.comm ?? 'app' }, ...descendants(table, appPid)];
  const by = [];
  for (const p of procs) {
    try {
      const r = smapsRollup(p.pid);
      by.push({ pid: p.pid, comm: p.comm, pss: r.Pss / 1024, pssAnon: (r.Pss_Anon ?? 0) / 1024, rss: r.Rss / 1024 });
    } catch {
      // Exited between the listing and the read.
    }
  }
  const sum = (k) => by.reduce((s, p) => s + p[k], 0);
  return { pss: sum('pss'), pssAnon: sum('pssAnon'), rss: sum('rss'), by };
}

/** Other WebKit processes on the machine share library pages with ours and lower their PSS. */
function otherWebKitProcesses(appPid) {
  const table = processTable();
  const ours = new Set([appPid, ...descendants(table, appPid).map((p) => p.pid)]);
  return [...table.values()].filter((p) => /^WebKit(Web|Network)Proc/.test(p.comm) && !ours.has(p.pid)).length;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tauriDriverPath() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const cargoBin = path.join(os.homedir(), '.cargo/bin/tauri-driver');
  return fs.existsSync(cargoBin) ? cargoBin : 'tauri-driver';
}

async function startDriver(env, stderrFile) {
  const port = await freePort();
  const native = await freePort();
  const stderr = stderrFile ? fs.openSync(stderrFile, 'a') : 'inherit';
  const child = spawn(tauriDriverPath(), ['--port', String(port), '--native-port', String(native)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', stderr],
  });
  if (stderrFile) fs.closeSync(stderr);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tauri-driver did not listen on ${port}`);
    await sleep(50);
  }
  return {
    port,
    pid: child.pid,
    // SIGTERM, never SIGKILL: a killed tauri-driver orphans WebKitWebDriver (BUILD-NOTES.md).
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
    },
  };
}

// ------------------------------------------------------------------------------- WebDriver

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
export const KEY = { enter: '\uE007', tab: '\uE004', end: '\uE010', f9: '\uE039' };

class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(port, application) {
    const base = `http://127.0.0.1:${port}`;
    const body = {
      capabilities: {
        alwaysMatch: {
          browserName: 'wry',
          'tauri:options': { application },
          // Scripts run at once, not after the page has loaded: the page is watched from the
          // moment its document exists, so a state reached before the load event is timed too.
          pageLoadStrategy: 'none',
        },
      },
    };
    let res;
    // tauri-driver may still be starting WebKitWebDriver: a refused or closed connection is
    // retried, as tests/desktop/pages.rs does.
    for (let attempt = 1; ; attempt++) {
      try {
        res = await request('POST', `${base}/session`, body, 60_000);
        break;
      } catch (e) {
        if (attempt >= 5 || !(e instanceof TypeError)) throw e;
        await sleep(500);
      }
    }
    const session = new Session(base, res.value.sessionId);
    await session.cmd('POST', '/timeouts', { script: 30_000 });
    return session;
  }

  async cmd(method, suffix, body) {
    return (await request(method, `${this.base}/session/${this.id}${suffix}`, body, 60_000)).value;
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  /** Types `text` into whatever has the focus, as a keyboard (or a keyboard-wedge scanner) would. */
  async typeIntoFocus(text) {
    const active = await this.cmd('GET', '/element/active');
    await this.cmd('POST', `/element/${active[ELEMENT]}/value`, { text });
  }

  /**
   * Waits inside the page until every check holds; returns the page's wall-clock time at that
   * moment and whether it already held at the first look (then the time is only an upper bound).
   */
  async waitFor(checks, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let r;
      try {
        r = await this.executeAsync(WAIT_IN_PAGE, [{ checks, timeoutMs }]);
      } catch (e) {
        // The document was replaced while the script ran (the start's navigation): look again
        // in the new one.
        if (Date.now() > deadline) throw e;
        continue;
      }
      if (r.timeout) throw new Error(`timed out waiting for ${JSON.stringify(checks)}: ${r.seen}`);
      return r;
    }
  }

  async close() {
    try {
      await request('DELETE', `${this.base}/session/${this.id}`, undefined, 20_000);
    } catch {
      // The driver is stopped next either way.
    }
  }
}

async function request(method, url, body, timeoutMs) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json();
  if (!res.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 400)}`);
  }
  return json;
}

// The page checks itself every 4 ms (no WebDriver round trip per look). A check is one of
// { focused: testid }, { css, attr?, equals? }, { absent: css }, { loaded: true }.
const WAIT_IN_PAGE = `
const { checks, timeoutMs } = arguments[0];
const done = arguments[arguments.length - 1];
const started = performance.now();
let first = true;
let firstLook = null;
function seen() {
  const a = document.activeElement;
  return location.href + ' focus=' + (a && a.getAttribute ? a.getAttribute('data-testid') : null) + ' ready=' + document.readyState;
}
function holds(c) {
  if (c.focused !== undefined) {
    const a = document.activeElement;
    return !!a && a.getAttribute && a.getAttribute('data-testid') === c.focused;
  }
  if (c.css !== undefined) {
    const e = document.querySelector(c.css);
    if (!e) return false;
    return c.attr === undefined || e.getAttribute(c.attr) === c.equals;
  }
  if (c.absent !== undefined) return !document.querySelector(c.absent);
  if (c.loaded) return document.readyState === 'complete';
  return false;
}
function look() {
  // Before the start's navigation the window shows about:blank, which is not the page.
  const ours = location.protocol === 'tauri:';
  if (ours && firstLook === null) firstLook = performance.timeOrigin + performance.now();
  if (ours && checks.every(holds)) {
    done({ at: performance.timeOrigin + performance.now(), already: first, firstLook });
    return;
  }
  first = false;
  if (performance.now() - started > timeoutMs) {
    done({ timeout: true, seen: seen() });
    return;
  }
  (window.__probeSetTimeout || setTimeout)(look, 4);
}
look();
`;

/** When the page's load event ended, on the wall clock (from Navigation Timing, exact). */
const LOADED_AT = `
const n = performance.getEntriesByType('navigation')[0];
return n && n.loadEventEnd > 0 ? performance.timeOrigin + n.loadEventEnd : null;
`;

const DOM_NODES = `return document.getElementsByTagName('*').length;`;

const HEAP = `
const m = performance.memory;
return m ? { used: m.usedJSHeapSize, total: m.totalJSHeapSize } : null;
`;

// Counts, from the moment it is installed, what the page creates and does not let go of.
const PROBE_INSTALL = `
if (window.__probe) return true;
const p = { listeners: 0, listenersByTarget: {}, audioContexts: 0, audioNodes: 0, objectUrls: 0, console: 0 };
window.__probe = p;
const kind = (t) => t === window ? 'window' : t === document ? 'document' : (t && t.nodeType === 1 ? 'element' : 'other');
const add = EventTarget.prototype.addEventListener;
const remove = EventTarget.prototype.removeEventListener;
// Listeners on elements count while their element is in the page (a removed element takes its
// listeners with it); listeners on window and document count until removed.
const onElements = [];
Object.defineProperty(p, 'listenersOnLiveElements', {
  enumerable: true,
  get: () => onElements.filter((r) => { const e = r.deref(); return e && e.isConnected; }).length,
});
EventTarget.prototype.addEventListener = function (type, fn, opts) {
  const k = kind(this) + ':' + type;
  if (k.startsWith('element:')) onElements.push(new WeakRef(this));
  else { p.listeners++; p.listenersByTarget[k] = (p.listenersByTarget[k] || 0) + 1; }
  return add.call(this, type, fn, opts);
};
EventTarget.prototype.removeEventListener = function (type, fn, opts) {
  const k = kind(this) + ':' + type;
  if (!k.startsWith('element:')) { p.listeners--; p.listenersByTarget[k] = (p.listenersByTarget[k] || 0) - 1; }
  return remove.call(this, type, fn, opts);
};
// Timers still pending and intervals still running (not how many were ever started).
const pendingTimeouts = new Set();
const runningIntervals = new Set();
Object.defineProperty(p, 'timeouts', { enumerable: true, get: () => pendingTimeouts.size });
Object.defineProperty(p, 'intervals', { enumerable: true, get: () => runningIntervals.size });
const st = window.setTimeout, ct = window.clearTimeout, si = window.setInterval, ci = window.clearInterval;
window.__probeSetTimeout = st; // the waiter's own polling is not counted
window.setTimeout = function (fn, ms, ...rest) {
  const id = st.call(window, (...a) => { pendingTimeouts.delete(id); if (typeof fn === 'function') fn(...a); }, ms, ...rest);
  pendingTimeouts.add(id);
  return id;
};
window.clearTimeout = function (id) { pendingTimeouts.delete(id); return ct.call(window, id); };
window.setInterval = function (...a) { const id = si.apply(window, a); runningIntervals.add(id); return id; };
window.clearInterval = function (id) { runningIntervals.delete(id); return ci.call(window, id); };
const AC = window.AudioContext || window.webkitAudioContext;
if (AC) {
  const Wrapped = function (...a) { p.audioContexts++; return new AC(...a); };
  Wrapped.prototype = AC.prototype;
  window.AudioContext = Wrapped;
  for (const m of ['createOscillator', 'createGain', 'createBufferSource']) {
    const orig = AC.prototype[m];
    if (orig) AC.prototype[m] = function (...a) { p.audioNodes++; return orig.apply(this, a); };
  }
}
const cu = URL.createObjectURL, ru = URL.revokeObjectURL;
URL.createObjectURL = function (o) { p.objectUrls++; return cu.call(URL, o); };
URL.revokeObjectURL = function (u) { p.objectUrls--; return ru.call(URL, u); };
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  const orig = console[level];
  console[level] = function (...a) { p.console++; return orig.apply(console, a); };
}
return true;
`;

const PROBE_READ = `
const p = window.__probe || null;
const internals = window.__TAURI_INTERNALS__ || {};
return {
  probe: p ? JSON.parse(JSON.stringify(p)) : null,
  // Tauri's pending IPC callbacks (two per call in flight; removed when the call answers).
  ipcCallbacks: internals.callbacks ? internals.callbacks.size : null,
};
`;

// ------------------------------------------------------------------------------- one start

/** `--env` settings, for the floor and the app alike (e.g. WebKit's rendering switches). */
let extraEnv = {};

function appEnv(dir, seed, probe = false) {
  const env = {
    PHARMAPOS_DB: path.join(dir, 'till.sqlite'),
    // WebKit's local storage (the chosen language) starts empty, as in the end-to-end tests.
    // The caches (fontconfig, GStreamer's registry, Mesa's shaders) stay the user's: a till
    // starts with them warm (and the warm-up start fills them on a new machine).
    XDG_DATA_HOME: path.join(dir, 'data'),
  };
  if (seed) env.PHARMAPOS_SEED_DEMO = '1';
  Object.assign(env, extraEnv);
  // JavaScriptCore logs every collection and the heap it leaves (read back by `jsHeap`).
  if (probe) env.JSC_logGC = '1';
  return env;
}

function freshDir(base, name, template) {
  const dir = fs.mkdtempSync(path.join(base, `${name}-`));
  fs.mkdirSync(path.join(dir, 'data'));
  if (template) {
    for (const f of fs.readdirSync(template)) {
      if (f.startsWith('till.sqlite')) fs.copyFileSync(path.join(template, f), path.join(dir, f));
    }
  }
  return dir;
}

/** Starts `exe` through tauri-driver; returns the session, the driver and the app's pid/start. */
/** The 1-minute load average: other builds on a 2-core machine slow every start down. */
function load1() {
  return Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

async function launch(exe, env, stderrFile) {
  const loadBefore = load1();
  const driver = await startDriver(env, stderrFile);
  let session;
  try {
    const boot = bootEpochMs();
    session = await Session.create(driver.port, exe);
    const sessionAt = nowMs();
    let pid = null;
    for (let i = 0; i < 200 && pid === null; i++) {
      pid = findApp(driver.pid, exe);
      if (pid === null) await sleep(10);
    }
    if (pid === null) throw new Error(`${exe} is not running under tauri-driver ${driver.pid}`);
    const startedAt = processStartMs(pid, boot);
    return { driver, session, pid, startedAt, sessionAt, loadBefore };
  } catch (e) {
    if (session) await session.close();
    await driver.stop();
    throw e;
  }
}

async function shutdown(launched) {
  await launched.session.close();
  await launched.driver.stop();
  // Whatever of ours is still alive (the app normally exits with its window) goes too.
  for (let i = 0; i < 100; i++) {
    if (!fs.existsSync(`/proc/${launched.pid}`)) return;
    await sleep(50);
  }
  try {
    process.kill(launched.pid, 'SIGTERM');
  } catch {
    // Gone.
  }
}

async function settledMemory(pid, settleMs) {
  // The only sleeps in the measurement: memory is sampled once the screen has been idle a while,
  // and while no other WebKit app runs on the machine (its processes would share our library
  // pages and lower our PSS: a colleague's end-to-end test took 90 MB off one sample).
  await sleep(settleMs);
  const deadline = Date.now() + 180_000;
  while (otherWebKitProcesses(pid) > 0 && Date.now() < deadline) await sleep(1000);
  const m = memory(pid);
  m.otherWebKit = otherWebKitProcesses(pid);
  return m;
}

/**
 * Waits (at most --quiet-wait-s) for the machine's load to fall under --quiet-load before a start:
 * other builds on 2 cores slow a start down by a third.
 */
async function quietMachine(o) {
  const deadline = Date.now() + o.quietWaitS * 1000;
  while (load1() >= o.quietLoad && Date.now() < deadline) await sleep(2000);
}

const LOGIN_USABLE = [{ focused: 'login-staff-no' }];
const CASHIER_USABLE = [{ focused: 'scan-input' }, { css: "[data-testid='cart-empty']" }];

async function measureFloor(o, base) {
  const dir = freshDir(base, 'floor', null);
  await quietMachine(o);
  const l = await launch(o.floor, appEnv(dir, false));
  try {
    const ready = await l.session.waitFor([{ loaded: true }]);
    const loadedAt = await l.session.execute(LOADED_AT);
    const mem = await settledMemory(l.pid, o.settleMs);
    if (o.probe) mem.mappings = Object.fromEntries(mem.by.map((p) => [p.comm, pssByMapping(p.pid)]));
    return {
      kind: 'floor',
      load: l.loadBefore,
      sessionMs: l.sessionAt - l.startedAt,
      loadedMs: loadedAt - l.startedAt,
      readySeenMs: ready.at - l.startedAt,
      readyAlready: ready.already,
      readyFirstLookMs: ready.firstLook - l.startedAt,
      memory: mem,
      otherWebKit: otherWebKitProcesses(l.pid),
    };
  } finally {
    await shutdown(l);
  }
}

async function sell(session, barcode) {
  const t0 = nowMs();
  // A scanner burst: the digits and Enter, into whatever has the focus (the scan box).
  await session.typeIntoFocus(barcode + KEY.enter);
  await session.waitFor([{ css: "[data-testid='cart-item-count']", attr: 'data-count', equals: '1' }]);
  await session.typeIntoFocus(KEY.f9);
  await session.waitFor([{ focused: 'pay-amount' }]);
  // Enter takes the amount due in cash and pays.
  await session.typeIntoFocus(KEY.enter);
  // The done screen takes Enter once armed; the receipt has printed by itself (自动打印).
  await session.waitFor([
    { css: "[data-testid='sale-done']", attr: 'data-armed', equals: 'true' },
    { css: "[data-testid='sale-done-print']", attr: 'data-busy', equals: 'false' },
    { focused: 'sale-done-next' },
  ]);
  await session.typeIntoFocus(KEY.enter);
  await session.waitFor([{ absent: "[data-testid='sale-done']" }, ...CASHIER_USABLE]);
  return nowMs() - t0;
}

/**
 * The page's JavaScript heap from JSC_logGC: what the last full collection left (live objects)
 * and how many collections ran, in kB.
 */
function jsHeap(log) {
  if (!log || !fs.existsSync(log)) return null;
  // One process may hold several heaps (GC<address>): the page's is the busiest.
  const heaps = new Map();
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const id = /^\[GC<(0x[0-9a-f]+)>/.exec(line);
    if (!id) continue;
    const h = heaps.get(id[1]) ?? { kind: null, full: 0, eden: 0, lastFullAfterKb: null, lastAfterKb: null };
    heaps.set(id[1], h);
    const start = /START M \d+kb => (Eden|Full)Collection/.exec(line);
    if (start) {
      h.kind = start[1];
      if (h.kind === 'Full') h.full++;
      else h.eden++;
    }
    const end = /=> (\d+)kb, p=[\d.]+ms \(max [\d.]+\), cycle [\d.]+ms END/.exec(line);
    if (end) {
      h.lastAfterKb = Number(end[1]);
      if (h.kind === 'Full') h.lastFullAfterKb = Number(end[1]);
    }
  }
  let busiest = null;
  for (const h of heaps.values()) if (!busiest || h.full + h.eden > busiest.full + busiest.eden) busiest = h;
  if (!busiest) return null;
  const { kind, ...rest } = busiest;
  void kind;
  return rest;
}

async function sample(l, o, sales) {
  const mem = await settledMemory(l.pid, o.settleMs);
  const domNodes = await l.session.execute(DOM_NODES);
  const heap = await l.session.execute(HEAP);
  const probe = o.probe
    ? {
        ...(await l.session.execute(PROBE_READ)),
        jsHeap: jsHeap(l.log),
        mappings: Object.fromEntries(mem.by.map((p) => [p.comm, pssByMapping(p.pid)])),
      }
    : null;
  return { sales, memory: mem, domNodes, heap, probe };
}

async function measureApp(o, base, template) {
  const dir = freshDir(base, 'app', template);
  const log = o.probe ? path.join(dir, 'stderr.log') : null;
  await quietMachine(o);
  const l = await launch(o.app, appEnv(dir, false, o.probe), log);
  l.log = log;
  try {
    const login = await l.session.waitFor(LOGIN_USABLE);
    // Keys are taken: the staff number typed now lands in the field (Tab ends the digits, as a
    // person's next key would), then the PIN and Enter.
    await l.session.typeIntoFocus('1001' + KEY.tab);
    const typed = await l.session.execute(
      "return document.querySelector(\"[data-testid='login-staff-no']\").value;",
    );
    if (typed !== '1001') throw new Error(`the staff number field took ${JSON.stringify(typed)}, not 1001`);
    await l.session.waitFor([{ focused: 'login-pin' }]);
    const submitAt = nowMs();
    await l.session.typeIntoFocus('1111' + KEY.enter);
    const cashier = await l.session.waitFor(CASHIER_USABLE);
    const loadedAt = await l.session.execute(LOADED_AT);
    const atLogin = null; // memory at the login screen is taken in a start of its own below
    const samples = [];
    if (o.probe) await l.session.execute(PROBE_INSTALL);
    // An experiment: the page without Web Audio, as on a till whose WebKit has none (the beeps
    // then do nothing, sound.svelte.ts).
    if (o.noAudio) await l.session.execute('window.AudioContext = undefined; window.webkitAudioContext = undefined; return true;');
    if (o.css) {
      await l.session.execute(
        'const s = document.createElement("style"); s.textContent = arguments[0]; document.head.append(s); return true;',
        [o.css],
      );
    }
    samples.push(await sample(l, o, 0));
    const saleMs = [];
    for (let n = 1; n <= o.sales; n++) {
      saleMs.push(await sell(l.session, o.barcodes[(n - 1) % o.barcodes.length]));
      // After the first sale too: its one-off costs (the receipt's font parsed, the first beep's
      // audio) are told apart from what every sale adds.
      if (n === 1 || n % o.every === 0 || n === o.sales) {
        samples.push(await sample(l, o, n));
        process.stderr.write(`    ${n} sales: PSS ${samples.at(-1).memory.pss.toFixed(1)} MB\n`);
      }
    }
    return {
      kind: 'app',
      load: l.loadBefore,
      sessionMs: l.sessionAt - l.startedAt,
      loadedMs: loadedAt - l.startedAt,
      loginMs: login.at - l.startedAt,
      loginAlready: login.already,
      loginFirstLookMs: login.firstLook - l.startedAt,
      cashierMs: cashier.at - l.startedAt,
      loginToCashierMs: cashier.at - submitAt,
      atLogin,
      samples,
      saleMs,
      otherWebKit: otherWebKitProcesses(l.pid),
    };
  } finally {
    await shutdown(l);
  }
}

/** The memory at the login screen, in a start of its own (the timed start types at once). */
async function measureAppLogin(o, base, template) {
  const dir = freshDir(base, 'app-login', template);
  await quietMachine(o);
  const l = await launch(o.app, appEnv(dir, false));
  try {
    const login = await l.session.waitFor(LOGIN_USABLE);
    const mem = await settledMemory(l.pid, o.settleMs);
    if (o.probe) mem.mappings = Object.fromEntries(mem.by.map((p) => [p.comm, pssByMapping(p.pid)]));
    return {
      load: l.loadBefore,
      loginMs: login.at - l.startedAt,
      loginAlready: login.already,
      loginFirstLookMs: login.firstLook - l.startedAt,
      memory: mem,
    };
  } finally {
    await shutdown(l);
  }
}

/** A demo store file to copy for every start (seeding is not part of a start), and a warm-up. */
async function prepareTemplate(o, base) {
  const dir = freshDir(base, 'template', null);
  const l = await launch(o.app, appEnv(dir, true));
  try {
    await l.session.waitFor(LOGIN_USABLE, 60_000);
  } finally {
    await shutdown(l);
  }
  return dir;
}

// ------------------------------------------------------------------------------- report

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs);
const sec = (ms) => (ms / 1000).toFixed(2);
const mb = (x) => x.toFixed(0);

function summary(o, result) {
  const floors = result.runs.map((r) => r.floor);
  const apps = result.runs.map((r) => r.app);
  const logins = result.runs.map((r) => r.appLogin);
  const floorLoaded = floors.map((f) => f.loadedMs);
  const floorPss = floors.map((f) => f.memory.pss);
  const rows = [];
  const row = (what, xs, fmt, floorXs, unit) => {
    const ratio = floorXs ? (median(xs) / median(floorXs)).toFixed(2) : '';
    rows.push(
      `| ${what} | ${fmt(min(xs))} | ${fmt(median(xs))} | ${floorXs ? `${fmt(min(floorXs))} / ${fmt(median(floorXs))}` : ''} | ${ratio} |`,
    );
    void unit;
  };
  row('start → page loaded (load event), s', apps.map((a) => a.loadedMs), sec, floorLoaded);
  row('start → login usable (工号 focused, keys taken), s', apps.map((a) => a.loginMs), sec, floorLoaded);
  row('start → cashier usable after logging in, s', apps.map((a) => a.cashierMs), sec, floorLoaded);
  row('Enter on the PIN → cashier usable, s', apps.map((a) => a.loginToCashierMs), sec, null);
  row('PSS at the login screen, MB', logins.map((a) => a.memory.pss), mb, floorPss);
  row('PSS on the cashier screen before the first sale, MB', apps.map((a) => a.samples[0].memory.pss), mb, floorPss);
  row(`PSS after ${o.sales} sales, MB`, apps.map((a) => a.samples.at(-1).memory.pss), mb, floorPss);
  // The anonymous part is private memory, unmoved by other processes sharing library pages.
  const floorAnon = floors.map((f) => f.memory.pssAnon);
  row('anonymous PSS at the login screen, MB', logins.map((a) => a.memory.pssAnon), mb, floorAnon);
  row(`anonymous PSS after ${o.sales} sales, MB`, apps.map((a) => a.samples.at(-1).memory.pssAnon), mb, floorAnon);
  const growth = apps.map((a) => (a.samples.at(-1).memory.pss - a.samples[0].memory.pss) / o.sales);
  // What each further sale adds once the first sale's one-off costs are paid: from the first
  // regular sample (after `every` sales) to the last.
  const steady = apps.map((a) => {
    const from = a.samples.find((x) => x.sales >= o.every && x.sales < o.sales);
    const to = a.samples.at(-1);
    return from ? (to.memory.pss - from.memory.pss) / (to.sales - from.sales) : NaN;
  });
  const firstSale = apps.map((a) => {
    const one = a.samples.find((x) => x.sales === 1);
    return one ? one.memory.pss - a.samples[0].memory.pss : NaN;
  });
  const lines = [
    `${o.runs} runs, ${o.sales} sales each; min and median of the runs; the floor is the empty Tauri 2 window`,
    `started the same way in the same run (its page loaded / its PSS).`,
    '',
    '| figure | min | median | floor min / median | median ÷ floor |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `Growth per sale (PSS after ${o.sales} − before the first, ÷ ${o.sales}): ` +
      growth.map((g) => `${(g * 1024).toFixed(0)} kB`).join(', ') + '.',
    `The first sale alone: ${firstSale.map((g) => `${g.toFixed(1)} MB`).join(', ')}; each sale from sale ${o.every} on: ` +
      steady.map((g) => `${(g * 1024).toFixed(0)} kB`).join(', ') + '.',
    '',
    'PSS by process, before the first sale → after the last:',
  ];
  for (const [i, a] of apps.entries()) {
    const first = a.samples[0].memory.by;
    const last = a.samples.at(-1).memory.by;
    const parts = last.map((p) => {
      const before = first.find((q) => q.pid === p.pid);
      return `${p.comm} ${mb(before ? before.pss : 0)} → ${mb(p.pss)}`;
    });
    lines.push(`- run ${i + 1}: ${parts.join('; ')}`);
    lines.push(
      `  samples (sales: PSS MB / anon MB / DOM nodes): ` +
        a.samples.map((s) => `${s.sales}: ${mb(s.memory.pss)}/${mb(s.memory.pssAnon)}/${s.domNodes}`).join(', '),
    );
    lines.push(`  a sale took ${median(a.saleMs).toFixed(0)} ms (median)`);
    const shared = a.samples.filter((x) => x.memory.otherWebKit > 0).map((x) => x.sales);
    if (shared.length) lines.push(`  WARNING: another WebKit app ran during the samples after ${shared.join(', ')} sales: their PSS is too low`);
    if (o.probe) {
      const p0 = a.samples[0].probe;
      const pl = a.samples.at(-1).probe;
      const { mappings: m0, ...r0 } = p0;
      const { mappings: ml, ...rl } = pl;
      lines.push(`  probe at 0: ${JSON.stringify(r0)}`);
      lines.push(`  probe at ${o.sales}: ${JSON.stringify(rl)}`);
      for (const comm of Object.keys(ml)) {
        const before = m0[comm] ?? {};
        const grew = Object.entries(ml[comm])
          .map(([k, v]) => [k, v - (before[k] ?? 0)])
          .filter(([, d]) => Math.abs(d) >= 256)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 8)
          .map(([k, d]) => `${k} ${d > 0 ? '+' : ''}${(d / 1024).toFixed(1)} MB`);
        lines.push(`  ${comm} grew in: ${grew.join('; ') || 'nothing over 0.25 MB'}`);
      }
    }
  }
  const loads = result.runs.flatMap((r) => [r.floor.load, r.appLogin.load, r.app.load]);
  lines.push(`\nThe machine's 1-minute load average when each start began: ${loads.map((x) => x.toFixed(2)).join(', ')} (${result.host.cpus} cores).`);
  const already = apps.filter((a) => a.loginAlready).length + logins.filter((a) => a.loginAlready).length;
  if (already) lines.push(`\nNote: in ${already} start(s) the login was already usable when the page was first asked; those times are upper bounds.`);
  return lines.join('\n');
}

// ------------------------------------------------------------------------------- main

async function main() {
  const o = parseArgs(process.argv);
  extraEnv = o.env;
  if (!process.env.DISPLAY) throw new Error('no DISPLAY: run scripts/measure-desktop.sh (it starts Xvfb)');
  for (const exe of [o.app, o.floor]) {
    if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: scripts/measure-desktop.sh builds it`);
  }
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'measure-desktop-'));
  try {
    process.stderr.write('==> a demo store for every start, and a warm-up of both binaries\n');
    const template = await prepareTemplate(o, base);
    await measureFloor(o, base);
    const result = { options: o, when: new Date().toISOString(), host: { cpus: os.cpus().length }, runs: [] };
    for (let run = 1; run <= o.runs; run++) {
      process.stderr.write(`==> run ${run} of ${o.runs}\n`);
      const floor = await measureFloor(o, base);
      process.stderr.write(`    empty window: loaded ${sec(floor.loadedMs)} s, PSS ${mb(floor.memory.pss)} MB\n`);
      const appLogin = await measureAppLogin(o, base, template);
      process.stderr.write(`    login screen: usable ${sec(appLogin.loginMs)} s, PSS ${mb(appLogin.memory.pss)} MB\n`);
      const app = await measureApp(o, base, template);
      process.stderr.write(
        `    app: login usable ${sec(app.loginMs)} s, cashier ${sec(app.cashierMs)} s, PSS ${mb(app.samples[0].memory.pss)} → ${mb(app.samples.at(-1).memory.pss)} MB\n`,
      );
      result.runs.push({ floor, appLogin, app });
    }
    const text = summary(o, result);
    if (o.json) {
      fs.mkdirSync(path.dirname(o.json), { recursive: true });
      fs.writeFileSync(o.json, JSON.stringify(result, null, 1));
      process.stderr.write(`==> raw figures in ${o.json}\n`);
    }
    console.log(text);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`measure-desktop: ${e.stack || e}${e.cause ? `\ncaused by: ${e.cause.stack || e.cause}` : ""}`);
  process.exit(1);
});
