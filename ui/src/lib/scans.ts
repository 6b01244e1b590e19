//! Where a scan goes, so that none is lost while the screen changes.
//!
//! One keyboard-wedge detector (lib/wedge.ts) listens for the whole app, from start to end: a
//! burst that begins as one screen goes and ends as the next one comes is still one burst. The
//! screens that take scans register a *scan target* (the cashier screen, the returns screen,
//! the sales journal); the newest registered is the one scans go to.
//!
//! A screen is *changing* while a request whose answer decides where the next scan belongs is
//! on its way: a payment being recorded (the next scan starts the next sale), a return being
//! recorded, a receipt being looked up, a login. The screen holds the scans meanwhile
//! (`holdScans`); scans that come then wait and go, in order, to the target that is active once
//! every hold is released. A scan that comes while no screen takes scans waits a moment
//! (`GRACE_MS`) for one to appear (the screen after a login) and is dropped after that.
//!
//! `ScanRouter` is pure (time comes in as an argument) and unit-tested; `installScanner`,
//! `scanTarget` and `holdScans` are the thin glue the app and its screens use.

import { attachWedge, type TextField } from './wedge';

/** How long a scan waits for a screen that takes it once nothing holds it any more. */
export const GRACE_MS = 1500;

export type ScanTarget = {
  /** Takes one scanned code. A promise returned holds the scans after it until it settles. */
  take: (code: string) => unknown;
  /**
   * The screen's own input (its scan box): digits typed while nothing has the focus go there.
   * Null (or absent) while something else is in front of it.
   */
  input?: () => TextField | null;
};

export class ScanRouter {
  private readonly targets: ScanTarget[] = [];
  private readonly waiting: string[] = [];
  private holds = 0;
  /** When the scans at the front started waiting with nothing held and no target. */
  private orphanSince: number | null = null;
  private delivering = false;
  private readonly now: () => number;
  private readonly report: (error: unknown) => void;

  private readonly trace: (entry: string) => void;

  /**
   * `report`: what to do with an error a screen threw while taking a scan (default: rethrow
   * later); `trace`: told where each scan went.
   */
  constructor(
    now: () => number,
    report: (error: unknown) => void = rethrowLater,
    trace: (entry: string) => void = () => {},
  ) {
    this.now = now;
    this.report = report;
    this.trace = trace;
  }

  /** Scans are taken now: a screen takes them, or one is changing and they would wait. */
  get active(): boolean {
    return this.targets.length > 0 || this.holds > 0;
  }

  /** The active target, if any. */
  get target(): ScanTarget | null {
    return this.targets[this.targets.length - 1] ?? null;
  }

  /** How many scans wait. */
  get pending(): number {
    return this.waiting.length;
  }

  /** When `expire` should run next (same clock as `now`), or null when nothing can expire. */
  get deadline(): number | null {
    return this.orphanSince === null ? null : this.orphanSince + GRACE_MS;
  }

  /** Makes `target` the active one until the returned function removes it. */
  register(target: ScanTarget): () => void {
    this.targets.push(target);
    this.deliver();
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      const index = this.targets.lastIndexOf(target);
      if (index >= 0) this.targets.splice(index, 1);
      this.deliver();
    };
  }

  /** The screen is changing: scans wait until the returned function is called (once is enough). */
  hold(): () => void {
    this.holds += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.holds -= 1;
      this.deliver();
    };
  }

  /** A scan from the wedge. */
  scanned(code: string): void {
    this.waiting.push(code);
    this.trace(`scanned ${code}: ${this.targets.length} targets, ${this.holds} holds`);
    this.deliver();
  }

  /** Drops the scans that waited too long for a screen to take them. */
  expire(): void {
    if (this.orphanSince !== null && this.now() - this.orphanSince > GRACE_MS) {
      this.trace(`dropped ${this.waiting.join(' ')}: no screen took them`);
      this.waiting.length = 0;
      this.orphanSince = null;
    }
  }

  private deliver(): void {
    // A target that takes a scan may register, hold or scan again: the loop here goes on.
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.waiting.length > 0 && this.holds === 0) {
        const target = this.target;
        if (!target) {
          this.orphanSince ??= this.now();
          return;
        }
        this.orphanSince = null;
        const code = this.waiting.shift() as string;
        this.trace(`taken ${code}`);
        let taken: unknown;
        try {
          taken = target.take(code);
        } catch (e) {
          // One screen's fault must not keep the scans after it waiting: reported, not thrown here.
          this.report(e);
        }
        if (isPromise(taken)) {
          const release = this.hold();
          taken.then(release, release);
        }
      }
      this.orphanSince = null;
    } finally {
      this.delivering = false;
    }
  }
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

// ------------------------------------------------------------------ the app's one scanner

/** The last things the scanner saw and did, oldest first: what a lost scan is looked for in. */
const trail: string[] = [];
const TRAIL_LENGTH = 200;

function trace(entry: string): void {
  trail.push(`${performance.now().toFixed(1)} ${entry}`);
  if (trail.length > TRAIL_LENGTH) trail.splice(0, trail.length - TRAIL_LENGTH);
}

/** The scanner's trail (the end-to-end tests print it when a scan went missing). */
export function scanTrail(): string[] {
  return [...trail];
}

const router = new ScanRouter(() => performance.now(), rethrowLater, trace);
let expiry: ReturnType<typeof setTimeout> | undefined;

/** Drops, after their grace, scans that found no screen to take them. */
function watchOrphans(): void {
  clearTimeout(expiry);
  const deadline = router.deadline;
  if (deadline === null) return;
  expiry = setTimeout(
    () => {
      router.expire();
      watchOrphans();
    },
    Math.max(0, deadline - performance.now()) + 1,
  );
}

/** The screen's input, unless a dialog of another part of the page is in front of it. */
function usable(input: TextField | null | undefined): TextField | null {
  if (!input || !input.isConnected || input.disabled || input.readOnly) return null;
  const modal = document.querySelector('[aria-modal="true"]');
  return modal && !modal.contains(input) ? null : input;
}

/** 18 characters, 17 digits then a digit or X: what an ID card reader types (GB 11643). */
export function isIdNumber(code: string): boolean {
  return /^\d{17}[\dX]$/i.test(code);
}

/**
 * The ID number field an ID card reader's burst belongs to: the focused field marked
 * `data-id-card`, else the one in the open dialog. Null when no such field is on screen: the
 * burst is then a scan like any other.
 */
export function idCardField(doc: Pick<Document, 'activeElement' | 'querySelector'>): TextField | null {
  const focused = doc.activeElement;
  if (focused instanceof HTMLInputElement && focused.dataset.idCard !== undefined) return focused;
  const inDialog = doc.querySelector('[aria-modal="true"] input[data-id-card]');
  return inDialog instanceof HTMLInputElement && !inDialog.disabled ? inDialog : null;
}

/** Puts an ID card reader's number into the ID field, as if typed there; false if there is none. */
function fillIdCard(code: string): boolean {
  if (!isIdNumber(code)) return false;
  const field = idCardField(document);
  if (!field) return false;
  field.focus();
  field.value = code.toUpperCase();
  field.dispatchEvent(new Event('input', { bubbles: true }));
  return true;
}

/** Installs the app's one scanner on `window`, for as long as the app runs. */
export function installScanner(target: Window = window): () => void {
  // Readable from the WebDriver tests and from the web inspector on a till.
  (target as Window & { pharmaposScanTrail?: () => string[] }).pharmaposScanTrail = scanTrail;
  return attachWedge(
    target,
    (code) => {
      // An ID card reader's number fills the buyer's ID field, never the cart.
      if (fillIdCard(code)) return;
      router.scanned(code);
      watchOrphans();
    },
    {
      active: () => router.active,
      input: () => usable(router.target?.input?.()),
      trace,
    },
  );
}

/** Registers a screen's scan target (call it in `onMount` and return what it returns). */
export function scanTarget(target: ScanTarget): () => void {
  trace('target registered');
  const remove = router.register(target);
  return () => {
    trace('target removed');
    remove();
    watchOrphans();
  };
}

/** The screen is changing: scans wait until the returned function is called. */
export function holdScans(): () => void {
  const release = router.hold();
  trace('hold');
  return () => {
    trace('release');
    release();
    watchOrphans();
  };
}
