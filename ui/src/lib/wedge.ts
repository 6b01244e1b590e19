//! Keyboard-wedge barcode scanner detection.
//!
//! A scanner is a keyboard that types a barcode (8–14 digits) followed by
//! Enter, each key a few milliseconds after the previous one. A person types
//! far slower. The detector tells the two apart from timing alone and reads
//! keys by `KeyboardEvent.code` (`Digit5`, `Numpad5`, `Enter`, …), never by
//! `key`: with a Chinese IME in pinyin mode `key` is often `"Process"`, while
//! `code` still names the physical key.
//!
//! ## The first key of a burst
//!
//! When the first digit arrives nobody can tell whether a scanner or a person
//! pressed it; only the second key, ≤ 50 ms later, says "scanner". We do NOT
//! hold the first key back: it goes to the focused field as usual, so human
//! typing is never delayed and never has to be re-typed by script. Instead the
//! detector asks for a *snapshot* of the focused field (value and selection)
//! just before that first key lands. From the second fast digit on, every key
//! is consumed (`preventDefault`, and it reaches no other handler). Then:
//!
//! - burst of ≥ 8 digits ending in a fast Enter → `scan`: the field is put
//!   back exactly as it was in the snapshot, selection included (this removes
//!   the first digit, and anything an IME may have slipped in), and the
//!   barcode is scanned.
//!   So a scan while the quantity editor has focus leaves the quantity as it
//!   was, and the Enter never reaches the editor.
//! - anything else (a pause > 50 ms, a non-digit key, Enter after < 8 digits)
//!   → `release`: the field is set to the snapshot with all the burst's
//!   digits typed over its selection, which is what the keys would have done.
//!   A release happens before the key that ended the burst is handled, so an
//!   Enter after a short fast burst sees the complete text.
//!
//! Setting the field to "snapshot ± digits" (rather than deleting or inserting
//! single characters) gives the same result whether or not an IME already put
//! some of those characters into the field.
//!
//! ## Keys handed over late
//!
//! Whether keys are one burst is judged by their own time stamps (when they
//! were pressed), never by when the page gets them. The window hands the page
//! one key at a time, each after the page has handled the one before: while
//! the screen is changing (a payment recorded, the next sale drawn) a scan's
//! keys can come 100 ms and more apart although they were pressed 3 ms apart.
//! So when no key has come for 50 ms (a timer), the burst's digits are only
//! *shown* in the field, as typing would have put them there: the burst stays
//! open, a late key pressed in time still joins it, and a scan still puts the
//! field back as it was. Only a key pressed more than 50 ms after the last one
//! ends it.
//!
//! ## Nothing has the focus
//!
//! While a screen changes (a dialog closed, the next customer, the next return)
//! the focus may be on the page itself for a moment: a first digit that lands
//! there is gone. When the adapter knows the screen's own input (`hold`), that
//! first digit is held like the rest of the burst: a scan keeps it, and typing
//! is released into that input, focused, instead of being lost.
//!
//! `WedgeDetector` is pure (time comes in with each key) and unit-tested;
//! `attachWedge` is the thin DOM adapter. lib/scans.ts installs one of them for
//! the whole app and says where each scan goes.

export type WedgeKey = {
  /** `KeyboardEvent.code`; pass `""` for keys pressed with Ctrl/Alt/Meta. */
  code: string;
  /** `KeyboardEvent.key`; informational only (may be `"Process"` under an IME). */
  key: string;
  /** Milliseconds, e.g. `KeyboardEvent.timeStamp`. */
  time: number;
  /** `KeyboardEvent.repeat`: a held-down key is a person, never a scanner. */
  repeat?: boolean;
  /**
   * Nothing has the focus to take this key: if it starts a burst, it is held too, and a
   * burst that turns out to be typing is released with it (see "Nothing has the focus").
   */
  hold?: boolean;
};

export type WedgeAction =
  /** Remember the focused field's value and selection before this key lands. */
  | { type: 'snapshot' }
  /** Not a scan: set the field to the snapshot with `digits` typed over its selection. */
  | { type: 'release'; digits: string }
  /**
   * No key for a while: set the field as `release` would, but keep the snapshot — the burst
   * may go on with keys pressed in time and handed over late, and may yet be a scan.
   */
  | { type: 'show'; digits: string }
  /** A scan: set the field back to the snapshot, then scan `barcode`. */
  | { type: 'scan'; barcode: string };

export type WedgeResult = {
  /** True: swallow this key (preventDefault, stop propagation). False: let it through. */
  consume: boolean;
  /** To apply in order, before the key's default action. */
  actions: WedgeAction[];
};

export type WedgeOptions = {
  /** Longest gap between two keys of one burst. */
  maxGapMs: number;
  /** Fewest digits before Enter for a burst to count as a scan. */
  minDigits: number;
};

/** A resident ID number (居民身份证号码) as an ID card reader types it: 17 digits and 0–9 or X. */
export const ID_CARD_LENGTH = 18;

export const DEFAULT_WEDGE_OPTIONS: WedgeOptions = { maxGapMs: 50, minDigits: 8 };

const DIGIT_CODE = /^(?:Digit|Numpad)([0-9])$/;

/** The digit a key code stands for, or null: `Digit7` and `Numpad7` are both "7". */
export function digitOf(code: string): string | null {
  const match = DIGIT_CODE.exec(code);
  return match ? (match[1] ?? null) : null;
}

export function isEnter(code: string): boolean {
  return code === 'Enter' || code === 'NumpadEnter';
}

type Phase =
  /** No burst in progress. */
  | 'idle'
  /** One digit seen and let through; a second fast digit would start a burst. */
  | 'candidate'
  /** Two or more fast digits; keys are being consumed. */
  | 'burst';

export class WedgeDetector {
  private readonly options: WedgeOptions;
  private phase: Phase = 'idle';
  private digits = '';
  private lastTime = 0;
  /** The burst's first digit was held rather than let through. */
  private held = false;
  /** The field shows every digit of the burst so far (`show`). */
  private shown = false;

  constructor(options: Partial<WedgeOptions> = {}) {
    this.options = { ...DEFAULT_WEDGE_OPTIONS, ...options };
  }

  /** True while keys are being consumed: input events should be blocked too. */
  get consuming(): boolean {
    return this.phase === 'burst' && !this.shown;
  }

  /** True when a key at `time` would start a new burst: none is under way, or it has lapsed. */
  idleAt(time: number): boolean {
    return this.phase === 'idle' || time - this.lastTime > this.options.maxGapMs;
  }

  /**
   * When `expire` should be called next (ms, same clock as `time`), or null when the field has
   * nothing to be shown (no burst, all shown, or a single digit that went to the field).
   */
  get deadline(): number | null {
    if (this.phase === 'idle' || this.shown || (this.phase === 'candidate' && !this.held)) return null;
    return this.lastTime + this.options.maxGapMs;
  }

  feed(key: WedgeKey): WedgeResult {
    // A pause (between the keys' own time stamps) ends whatever was in progress.
    const actions = this.end(key.time);
    // `(` is Shift+9 on the same key as 9: a key whose text is another printable character
    // (a GS1 code's brackets, written out) is not the digit its key code names.
    const shifted = key.key.length === 1 && key.key !== digitOf(key.code);
    const digit = key.repeat || shifted ? null : digitOf(key.code);

    switch (this.phase) {
      case 'idle':
        if (digit !== null) {
          this.start(digit, key.time);
          this.held = key.hold === true;
          actions.push({ type: 'snapshot' });
          return { consume: this.held, actions };
        }
        return { consume: false, actions };

      case 'candidate':
        if (digit !== null) {
          this.phase = 'burst';
          this.digits += digit;
          this.lastTime = key.time;
          this.shown = false;
          return { consume: true, actions };
        }
        // A person's single digit: a held one is given to the field now, before this key.
        if (this.held) actions.push({ type: 'release', digits: this.digits });
        this.reset();
        return { consume: false, actions };

      case 'burst':
        if (digit !== null) {
          this.digits += digit;
          this.lastTime = key.time;
          this.shown = false;
          return { consume: true, actions };
        }
        // A resident ID card reader types 17 digits and the check character, which may be X:
        // the X belongs to the burst (lib/scans.ts routes an 18-character ID to the ID field).
        if (key.code === 'KeyX' && !key.repeat && this.digits.length === ID_CARD_LENGTH - 1) {
          this.digits += 'X';
          this.lastTime = key.time;
          this.shown = false;
          return { consume: true, actions };
        }
        if (isEnter(key.code) && this.digits.length >= this.options.minDigits) {
          actions.push({ type: 'scan', barcode: this.digits });
          this.reset();
          return { consume: true, actions };
        }
        // Enter after too few digits, or any other key: it was a person.
        actions.push({ type: 'release', digits: this.digits });
        this.reset();
        return { consume: false, actions };
    }
  }

  /**
   * No key has come for `maxGapMs` by `now` (the timer): shows the burst's digits in the field.
   * The burst stays open (see "Keys handed over late"); the next key decides how it ends.
   */
  expire(now: number): WedgeAction[] {
    const deadline = this.deadline;
    if (deadline === null || now <= deadline) return [];
    this.shown = true;
    return [{ type: 'show', digits: this.digits }];
  }

  /** Ends a burst whose last key was pressed more than `maxGapMs` before `time`. */
  private end(time: number): WedgeAction[] {
    if (this.phase === 'idle' || time - this.lastTime <= this.options.maxGapMs) return [];
    const actions: WedgeAction[] =
      this.phase === 'burst' || this.held ? [{ type: 'release', digits: this.digits }] : [];
    this.reset();
    return actions;
  }

  private start(digit: string, time: number): void {
    this.phase = 'candidate';
    this.digits = digit;
    this.lastTime = time;
  }

  private reset(): void {
    this.phase = 'idle';
    this.digits = '';
    this.held = false;
    this.shown = false;
  }
}

/** The focused text field's state just before a burst's first key. */
export type FieldSnapshot = { value: string; start: number; end: number };

/**
 * What a field holds after a burst ends. A scan (`digits` null) leaves it as
 * in the snapshot, selection included; a release types `digits` over the
 * snapshot's selection, as the keys would have.
 */
export function restoredField(snapshot: FieldSnapshot, digits: string | null): FieldSnapshot {
  if (digits === null) return snapshot;
  const caret = snapshot.start + digits.length;
  return {
    value: snapshot.value.slice(0, snapshot.start) + digits + snapshot.value.slice(snapshot.end),
    start: caret,
    end: caret,
  };
}

export type TextField = HTMLInputElement | HTMLTextAreaElement;

function textFieldOf(element: Element | null): TextField | null {
  if (element instanceof HTMLTextAreaElement) return element;
  // selectionStart is null for inputs without text selection (checkbox, number, …).
  if (element instanceof HTMLInputElement && element.selectionStart !== null) return element;
  return null;
}

function setField(field: TextField, state: FieldSnapshot): void {
  if (field.value === state.value) return;
  field.value = state.value;
  field.setSelectionRange(state.start, state.end);
  // Svelte's bind:value (and any oninput) listens for this.
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** What the app tells the adapter about the screen; both are asked at a burst's first key. */
export type WedgeHooks = {
  /** False: no screen takes scans now, so keys pass untouched (a burst under way goes on). */
  active?: () => boolean;
  /** The screen's own input, for digits typed while nothing has the focus; null for none. */
  input?: () => TextField | null;
  /** Told what happened to each key and each action taken (lib/scans.ts keeps the last few). */
  trace?: (entry: string) => void;
};

function fieldName(field: TextField | null): string {
  return field ? (field.dataset.testid ?? field.tagName.toLowerCase()) : '-';
}

/** The focused element as a trace names it: its test id, else its tag. */
function focusName(): string {
  const focused = document.activeElement;
  if (!focused) return '-';
  const id = focused instanceof HTMLElement ? focused.dataset.testid : undefined;
  return `${id ?? focused.tagName.toLowerCase()}${focused.isConnected ? '' : '(gone)'}`;
}

/** Nothing that takes keys has the focus: the page itself, or an element already removed. */
function nothingFocused(): boolean {
  const focused = document.activeElement;
  return !focused || focused === document.body || focused === document.documentElement || !focused.isConnected;
}

/**
 * Installs the detector as a capture-phase keydown listener on `target`
 * (normally `window`), so it sees every key before any field does, whichever
 * element has focus. Returns the function that removes it.
 */
export function attachWedge(
  target: Window,
  onScan: (barcode: string) => void,
  options: Partial<WedgeOptions> & WedgeHooks = {},
): () => void {
  const detector = new WedgeDetector(options);
  let field: TextField | null = null;
  let snapshot: FieldSnapshot | null = null;
  /** The burst began while nothing had the focus: `field` is the screen's input, which holds it. */
  let held = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle: ReturnType<typeof setTimeout> | undefined;
  /** The field a put-back may still be settled on, and whether the browser typed into it since. */
  let settling: TextField | null = null;
  let typedAfter = false;

  /** `final` false: the burst may go on (`show`), so the snapshot is kept. */
  const putBack = (digits: string | null, final = true): void => {
    if (!field || !snapshot) return;
    const el = field;
    const state = restoredField(snapshot, digits);
    // Typing that began with nothing focused goes on in the screen's input.
    if (digits !== null && held && document.activeElement !== el) el.focus();
    setField(el, state);
    // An IME may commit its composition after this keydown; put the field back once more after
    // the current event has been fully processed — but only over what the browser typed
    // (a trusted input event), never over what the screen wrote: a scan's screen may put the
    // code into this very field, and on a busy page this timer fires after the answer to the
    // scan has come back (CI lost a scanned receipt number and its error so).
    clearTimeout(settle);
    typedAfter = false;
    settling = el;
    settle = setTimeout(() => {
      settling = null;
      if (typedAfter && el.value !== state.value && document.activeElement === el) setField(el, state);
    }, 0);
    if (!final) return;
    held = false;
    field = null;
    snapshot = null;
  };

  const apply = (actions: WedgeAction[], holder: TextField | null = null): void => {
    for (const action of actions) {
      if (action.type !== 'snapshot') {
        const what = 'digits' in action ? action.digits : action.barcode;
        options.trace?.(`${action.type} ${what} into ${fieldName(field)}`);
      }
      switch (action.type) {
        case 'snapshot':
          held = holder !== null;
          field = holder ?? textFieldOf(document.activeElement);
          snapshot = field
            ? {
                value: field.value,
                start: field.selectionStart ?? field.value.length,
                end: field.selectionEnd ?? field.value.length,
              }
            : null;
          options.trace?.(`snapshot of ${fieldName(field)}${held ? ' (held)' : ''}: "${snapshot?.value ?? ''}"`);
          break;
        case 'release':
          putBack(action.digits);
          break;
        case 'show':
          putBack(action.digits, false);
          break;
        case 'scan':
          putBack(null);
          onScan(action.barcode);
          break;
      }
    }
  };

  const schedule = (): void => {
    clearTimeout(timer);
    const deadline = detector.deadline;
    if (deadline === null) return;
    const wait = Math.max(0, deadline - performance.now()) + 1;
    timer = setTimeout(() => apply(detector.expire(performance.now())), wait);
  };

  const onKeydown = (event: KeyboardEvent): void => {
    // A new key means any IME commit of the last burst is over: from here on the field holds
    // what is being typed, and a late put-back would wipe this key (a lost digit under load).
    clearTimeout(settle);
    const starting = detector.idleAt(event.timeStamp);
    // Nobody takes scans now: keys pass untouched (a burst under way goes on to its end).
    if (starting && options.active && !options.active()) {
      options.trace?.(`key ${event.code} passed: no screen takes scans`);
      return;
    }
    const modified = event.ctrlKey || event.altKey || event.metaKey;
    const holder = starting && nothingFocused() ? (options.input?.() ?? null) : null;
    const result = detector.feed({
      code: modified ? '' : event.code,
      key: event.key,
      time: event.timeStamp,
      repeat: event.repeat,
      hold: holder !== null,
    });
    options.trace?.(
      `key ${event.code} t=${event.timeStamp.toFixed(1)} now=${performance.now().toFixed(1)} focus=${focusName()}${holder ? ' hold' : ''}${result.consume ? ' consumed' : ''}`,
    );
    if (result.consume) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    apply(result.actions, holder);
    // A person's burst ended by a character key (the X of an ID number typed right after its
    // digits): that character is typed into the field next, so the field must not be put
    // back over it. Under an IME the key is "Process" and the put-back stays.
    if (!result.consume && event.key.length === 1 && result.actions.some((a) => a.type === 'release')) {
      clearTimeout(settle);
    }
    schedule();
  };

  // While a burst is consumed, also refuse text insertion that arrives
  // without a cancellable keydown (some IMEs).
  const onBeforeInput = (event: Event): void => {
    if (detector.consuming && event.cancelable) event.preventDefault();
  };

  // Text the browser put into the field after a put-back (an IME's late commit) is what the
  // settle timer undoes; the field's own `input` events say so (ours and the screen's are not
  // trusted, and a screen writing `value` sends none).
  const onInput = (event: Event): void => {
    if (event.isTrusted && event.target === settling) typedAfter = true;
  };

  target.addEventListener('keydown', onKeydown, true);
  target.addEventListener('beforeinput', onBeforeInput, true);
  target.addEventListener('input', onInput, true);
  return () => {
    clearTimeout(timer);
    clearTimeout(settle);
    target.removeEventListener('keydown', onKeydown, true);
    target.removeEventListener('beforeinput', onBeforeInput, true);
    target.removeEventListener('input', onInput, true);
  };
}
