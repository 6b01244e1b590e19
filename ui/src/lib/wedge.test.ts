import { describe, expect, it } from 'vitest';
import { WedgeDetector, digitOf, restoredField, type FieldSnapshot, type WedgeKey } from './wedge';

/**
 * A text field as the browser would treat it, driven the way `attachWedge`
 * drives the DOM: actions first, then the key's default action unless the
 * key was consumed.
 */
class FakeField {
  value: string;
  start: number;
  end: number;
  snapshot: FieldSnapshot | null = null;
  /** Values the field held when an Enter reached it (its "submit"). */
  submitted: string[] = [];

  constructor(value = '', selection?: [number, number]) {
    this.value = value;
    [this.start, this.end] = selection ?? [value.length, value.length];
  }

  takeSnapshot(): void {
    this.snapshot = { value: this.value, start: this.start, end: this.end };
  }

  putBack(digits: string | null): void {
    this.show(digits);
    this.snapshot = null;
  }

  /** As `putBack`, keeping the snapshot: the burst may still become a scan. */
  show(digits: string | null): void {
    if (!this.snapshot) return;
    ({ value: this.value, start: this.start, end: this.end } = restoredField(this.snapshot, digits));
  }

  type(key: WedgeKey): void {
    if (key.code === 'Enter' || key.code === 'NumpadEnter') {
      this.submitted.push(this.value);
      return;
    }
    // A browser types the key's character over the selection; an IME in
    // pinyin mode reports "Process" but still ends up inserting the digit.
    const ch = key.key === 'Process' ? (digitOf(key.code) ?? '') : key.key.length === 1 ? key.key : '';
    this.value = this.value.slice(0, this.start) + ch + this.value.slice(this.end);
    this.start += ch.length;
    this.end = this.start;
  }
}

function run(detector: WedgeDetector, field: FakeField, keys: WedgeKey[]) {
  const scans: string[] = [];
  let consumed = 0;
  for (const key of keys) {
    const result = detector.feed(key);
    for (const action of result.actions) {
      if (action.type === 'snapshot') {
        field.takeSnapshot();
      } else if (action.type === 'release') {
        field.putBack(action.digits);
      } else if (action.type === 'show') {
        field.show(action.digits);
      } else {
        field.putBack(null);
        scans.push(action.barcode);
      }
    }
    if (result.consume) consumed += 1;
    else field.type(key);
  }
  return { scans, consumed };
}

/** Keys for `text` (digits) then Enter, `gap` ms apart, starting at `start`. */
function keysFor(text: string, gap: number, start = 1000, opts: { numpad?: boolean; ime?: boolean; enter?: boolean } = {}): WedgeKey[] {
  const keys: WedgeKey[] = [...text].map((ch, i) => ({
    code: `${opts.numpad ? 'Numpad' : 'Digit'}${ch}`,
    key: opts.ime ? 'Process' : ch,
    time: start + i * gap,
  }));
  if (opts.enter !== false) {
    keys.push({ code: opts.numpad ? 'NumpadEnter' : 'Enter', key: 'Enter', time: start + text.length * gap });
  }
  return keys;
}

const EAN13 = '6901234567892';

describe('WedgeDetector', () => {
  it('reads a fast burst of 13 digits and Enter as one scan', () => {
    const field = new FakeField();
    const { scans, consumed } = run(new WedgeDetector(), field, keysFor(EAN13, 5));
    expect(scans).toEqual([EAN13]);
    // Every key but the first is swallowed; the first is taken out again.
    expect(consumed).toBe(13);
    expect(field.value).toBe('');
    expect(field.submitted).toEqual([]);
  });

  it('lets slow (human) typing through untouched', () => {
    const field = new FakeField();
    const { scans, consumed } = run(new WedgeDetector(), field, keysFor(EAN13, 120));
    expect(scans).toEqual([]);
    expect(consumed).toBe(0);
    expect(field.value).toBe(EAN13);
    expect(field.submitted).toEqual([EAN13]);
  });

  it('scans a burst that starts in the quantity field and leaves the quantity as it was', () => {
    const quantity = new FakeField('2');
    const { scans } = run(new WedgeDetector(), quantity, keysFor(EAN13, 8));
    expect(scans).toEqual([EAN13]);
    expect(quantity.value).toBe('2');
    // The scanner's Enter must not save the quantity editor.
    expect(quantity.submitted).toEqual([]);
  });

  it('puts back text that was already in the field when the scan came', () => {
    const search = new FakeField('amx');
    const { scans } = run(new WedgeDetector(), search, keysFor('69012345', 10));
    expect(scans).toEqual(['69012345']);
    expect(search.value).toBe('amx');
  });

  it('keeps selected text (a mistyped barcode) when a scan comes', () => {
    const search = new FakeField('12345678', [0, 8]);
    const { scans } = run(new WedgeDetector(), search, keysFor(EAN13, 5));
    expect(scans).toEqual([EAN13]);
    expect(search.value).toBe('12345678');
    expect([search.start, search.end]).toEqual([0, 8]);
  });

  it('types a short fast burst over selected text, as the keys would', () => {
    const quantity = new FakeField('3', [0, 1]);
    run(new WedgeDetector(), quantity, keysFor('12', 10));
    expect(quantity.value).toBe('12');
    expect(quantity.submitted).toEqual(['12']);
  });

  it('reads numpad digits and NumpadEnter', () => {
    const field = new FakeField();
    const { scans } = run(new WedgeDetector(), field, keysFor(EAN13, 5, 0, { numpad: true }));
    expect(scans).toEqual([EAN13]);
    expect(field.value).toBe('');
  });

  it('reads digits by code when an IME reports key "Process"', () => {
    const field = new FakeField();
    const keys = keysFor('6666666666666', 5, 0, { ime: true });
    expect(keys[0]).toMatchObject({ key: 'Process', code: 'Digit6' });
    const { scans } = run(new WedgeDetector(), field, keys);
    expect(scans).toEqual(['6666666666666']);
    expect(field.value).toBe('');
  });

  it('treats a fast burst shorter than 8 digits as typing', () => {
    const field = new FakeField();
    const { scans } = run(new WedgeDetector(), field, keysFor('1234567', 5));
    expect(scans).toEqual([]);
    expect(field.value).toBe('1234567');
    // The Enter goes through, after the digits are back in the field.
    expect(field.submitted).toEqual(['1234567']);
  });

  it('shows a fast burst that stops without Enter', () => {
    const detector = new WedgeDetector();
    const field = new FakeField('x');
    const { scans } = run(detector, field, keysFor('12', 20, 0, { enter: false }));
    expect(field.value).toBe('x1');
    expect(detector.deadline).toBe(20 + 50);
    expect(detector.expire(70)).toEqual([]);
    const actions = detector.expire(71);
    expect(actions).toEqual([{ type: 'show', digits: '12' }]);
    field.show('12');
    expect(scans).toEqual([]);
    expect(field.value).toBe('x12');
    expect(detector.deadline).toBeNull();
    expect(detector.consuming).toBe(false);
    // The next key, pressed later, finds the field as the keys would have left it.
    run(detector, field, [{ code: 'KeyA', key: 'a', time: 500 }]);
    expect(field.value).toBe('x12a');
  });

  it('keeps a scan whole when its keys are handed over late, though the timer showed some', () => {
    // Pressed 3 ms apart; the page gets them 100 ms and more apart while the screen changes.
    const detector = new WedgeDetector();
    const field = new FakeField('2');
    const keys = keysFor(EAN13, 3, 1000);
    const first = run(detector, field, keys.slice(0, 5));
    expect(first.scans).toEqual([]);
    // The timer (wall clock) fires before the sixth key comes: the digits are only shown.
    for (const action of detector.expire(1200)) if (action.type === 'show') field.show(action.digits);
    expect(field.value).toBe(`2${EAN13.slice(0, 5)}`);
    const rest = run(detector, field, keys.slice(5));
    expect(rest.scans).toEqual([EAN13]);
    expect(field.value).toBe('2');
    expect(field.submitted).toEqual([]);
  });

  it('still ends a burst at a key pressed more than 50 ms after the last one', () => {
    const detector = new WedgeDetector();
    const field = new FakeField();
    run(detector, field, keysFor('123', 5, 0, { enter: false }));
    for (const action of detector.expire(500)) if (action.type === 'show') field.show(action.digits);
    const { scans } = run(detector, field, keysFor('45678901', 5, 600));
    // 12345678901 was never one burst: 123 is typing, 45678901 a scan of its own.
    expect(scans).toEqual(['45678901']);
    expect(field.value).toBe('123');
  });

  it('releases the burst before a slow key so nothing is lost or reordered', () => {
    const field = new FakeField();
    const keys = [...keysFor('123', 10, 0, { enter: false }), { code: 'Digit4', key: '4', time: 200 }];
    const { scans } = run(new WedgeDetector(), field, keys);
    expect(scans).toEqual([]);
    expect(field.value).toBe('1234');
  });

  it('releases the burst when a letter follows', () => {
    const field = new FakeField();
    const keys = [...keysFor('12', 10, 0, { enter: false }), { code: 'KeyA', key: 'a', time: 20 }];
    run(new WedgeDetector(), field, keys);
    expect(field.value).toBe('12a');
  });

  it('does not take a held-down key (auto-repeat) for a scanner', () => {
    const field = new FakeField();
    const keys: WedgeKey[] = Array.from({ length: 10 }, (_, i) => ({ code: 'Digit1', key: '1', time: i * 30, repeat: i > 0 }));
    keys.push({ code: 'Enter', key: 'Enter', time: 300 });
    const { scans, consumed } = run(new WedgeDetector(), field, keys);
    expect(scans).toEqual([]);
    expect(consumed).toBe(0);
    expect(field.value).toBe('1111111111');
  });

  it('reads two scans in a row', () => {
    const field = new FakeField();
    const keys = [...keysFor(EAN13, 4, 0), ...keysFor('96385074', 4, 500)];
    const { scans } = run(new WedgeDetector(), field, keys);
    expect(scans).toEqual([EAN13, '96385074']);
    expect(field.value).toBe('');
  });

  it('accepts a key exactly 50 ms after the previous one, not 51', () => {
    expect(run(new WedgeDetector(), new FakeField(), keysFor(EAN13, 50)).scans).toEqual([EAN13]);
    expect(run(new WedgeDetector(), new FakeField(), keysFor(EAN13, 51)).scans).toEqual([]);
  });
});

describe('restoredField', () => {
  it('types digits over the selection, or keeps the field as it was for a scan', () => {
    const snapshot = { value: 'abcdef', start: 2, end: 4 };
    expect(restoredField(snapshot, '12')).toEqual({ value: 'ab12ef', start: 4, end: 4 });
    expect(restoredField(snapshot, null)).toEqual(snapshot);
  });
});

/**
 * A burst that begins while nothing has the focus (a screen changing), driven the way
 * `attachWedge` drives the DOM with the screen's input as the holder: keys that are not
 * consumed are lost on the page until a release has put the focus in the input.
 */
function runHeld(detector: WedgeDetector, input: FakeField, keys: WedgeKey[]) {
  const scans: string[] = [];
  let focused = false;
  keys.forEach((key, index) => {
    const result = detector.feed({ ...key, hold: index === 0 });
    for (const action of result.actions) {
      if (action.type === 'snapshot') input.takeSnapshot();
      else if (action.type === 'release') {
        input.putBack(action.digits);
        focused = true;
      } else if (action.type === 'show') {
        input.show(action.digits);
        focused = true;
      } else {
        input.putBack(null);
        scans.push(action.barcode);
      }
    }
    if (!result.consume && focused) input.type(key);
  });
  return { scans, focused };
}

describe('WedgeDetector with nothing focused', () => {
  it('holds the first digit too, so a scan is whole and nothing is left anywhere', () => {
    const input = new FakeField();
    const { scans, focused } = runHeld(new WedgeDetector(), input, keysFor(EAN13, 5));
    expect(scans).toEqual([EAN13]);
    expect(input.value).toBe('');
    expect(focused).toBe(false);
  });

  it('shows a held single digit in the screen input when no key follows', () => {
    const detector = new WedgeDetector();
    const input = new FakeField('12');
    const first = detector.feed({ code: 'Digit5', key: '5', time: 0, hold: true });
    expect(first.consume).toBe(true);
    input.takeSnapshot();
    expect(detector.deadline).toBe(50);
    const actions = detector.expire(51);
    expect(actions).toEqual([{ type: 'show', digits: '5' }]);
    input.show('5');
    expect(input.value).toBe('125');
  });

  it('keeps a held scan whole when the timer showed its first digit before the rest came', () => {
    const detector = new WedgeDetector();
    const input = new FakeField();
    const keys = keysFor(EAN13, 2, 0);
    detector.feed({ ...keys[0]!, hold: true });
    input.takeSnapshot();
    for (const action of detector.expire(300)) if (action.type === 'show') input.show(action.digits);
    expect(input.value).toBe(EAN13[0]);
    const { scans } = run(detector, input, keys.slice(1));
    expect(scans).toEqual([EAN13]);
    expect(input.value).toBe('');
  });

  it('gives a held digit to the input before a letter that follows it', () => {
    const input = new FakeField();
    const keys = [...keysFor('7', 10, 0, { enter: false }), { code: 'KeyA', key: 'a', time: 10 }];
    runHeld(new WedgeDetector(), input, keys);
    expect(input.value).toBe('7a');
  });

  it('gives a short fast burst to the input, then lets its Enter through', () => {
    const input = new FakeField();
    runHeld(new WedgeDetector(), input, keysFor('1234', 5));
    expect(input.value).toBe('1234');
    expect(input.submitted).toEqual(['1234']);
  });

  it('has nothing to show for a single digit that was not held (it is in the field)', () => {
    const detector = new WedgeDetector();
    expect(detector.feed({ code: 'Digit1', key: '1', time: 0 }).consume).toBe(false);
    expect(detector.deadline).toBeNull();
    expect(detector.expire(100)).toEqual([]);
  });

  it('knows when a key would start a new burst', () => {
    const detector = new WedgeDetector();
    expect(detector.idleAt(0)).toBe(true);
    detector.feed({ code: 'Digit1', key: '1', time: 100 });
    expect(detector.idleAt(140)).toBe(false);
    expect(detector.idleAt(151)).toBe(true);
  });
});

describe('WedgeDetector and shifted digit keys', () => {
  it('reads ( and ) (Shift+9, Shift+0) as the characters they type, not as 9 and 0', () => {
    const d = new WedgeDetector();
    const paren = d.feed({ code: 'Digit9', key: '(', time: 0 });
    expect(paren).toEqual({ consume: false, actions: [] });
    // A burst of digits ended by `(`: released as typed, and the `(` goes through.
    let t = 10;
    for (const ch of '0106939668066407') d.feed({ code: `Digit${ch}`, key: ch, time: (t += 5) });
    const close = d.feed({ code: 'Digit0', key: ')', time: (t += 5) });
    expect(close.consume).toBe(false);
    expect(close.actions).toContainEqual({ type: 'release', digits: '0106939668066407' });
  });
});

describe('WedgeDetector and an ID card reader', () => {
  const ID_X = '11010519491231002X';
  const ID_DIGITS = '110105194912310021';

  it('reads 17 digits, X and Enter as one 18-character burst', () => {
    const field = new FakeField();
    const keys = keysFor(ID_X.slice(0, 17), 4, 1000, { enter: false });
    keys.push({ code: 'KeyX', key: 'X', time: 1000 + 17 * 4 });
    keys.push({ code: 'Enter', key: 'Enter', time: 1000 + 18 * 4 });
    const { scans } = run(new WedgeDetector(), field, keys);
    expect(scans).toEqual([ID_X]);
    expect(field.value).toBe('');
  });

  it('reads 18 digits as one burst too', () => {
    const { scans } = run(new WedgeDetector(), new FakeField(), keysFor(ID_DIGITS, 4));
    expect(scans).toEqual([ID_DIGITS]);
  });

  it('does not take an X after a barcode-length burst as part of it', () => {
    const field = new FakeField();
    const keys = keysFor(EAN13, 4, 1000, { enter: false });
    keys.push({ code: 'KeyX', key: 'x', time: 1000 + 13 * 4 });
    const { scans } = run(new WedgeDetector(), field, keys);
    expect(scans).toEqual([]);
    expect(field.value).toBe(`${EAN13}x`);
  });
});
