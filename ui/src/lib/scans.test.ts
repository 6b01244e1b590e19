import { describe, expect, it } from 'vitest';
import { GRACE_MS, ScanRouter, type ScanTarget } from './scans';

/** A screen that records what it was given. */
function screen(name: string, log: string[], answer?: () => unknown): ScanTarget {
  return {
    take: (code) => {
      log.push(`${name}:${code}`);
      return answer?.();
    },
  };
}

/** A promise with its resolve and reject at hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ScanRouter', () => {
  it('gives a scan at once to the newest screen, then to the one below when it goes', () => {
    const log: string[] = [];
    const router = new ScanRouter(() => 0);
    router.register(screen('sale', log));
    const removeDialog = router.register(screen('dialog', log));
    router.scanned('111');
    removeDialog();
    router.scanned('222');
    expect(log).toEqual(['dialog:111', 'sale:222']);
    expect(router.pending).toBe(0);
  });

  it('keeps scans that come while the screen changes for the screen that comes after', () => {
    // A payment is being recorded; the scans are the next customer's.
    const log: string[] = [];
    const router = new ScanRouter(() => 0);
    const removePayment = router.register(screen('payment', log));
    const release = router.hold();
    router.scanned('111');
    router.scanned('222');
    expect(log).toEqual([]);
    expect(router.pending).toBe(2);
    removePayment();
    router.register(screen('next sale', log));
    expect(log).toEqual([]);
    release();
    expect(log).toEqual(['next sale:111', 'next sale:222']);
    expect(router.pending).toBe(0);
  });

  it('gives the waiting scans to the screen still there when the change did not happen', () => {
    // The payment was refused: the dialog stays, and the scan is the dialog's (a 付款码).
    const log: string[] = [];
    const router = new ScanRouter(() => 0);
    router.register(screen('sale', log));
    router.register(screen('payment', log));
    const release = router.hold();
    router.scanned('281234567890123456');
    release();
    expect(log).toEqual(['payment:281234567890123456']);
  });

  it('waits for every hold to be released, in whatever order', () => {
    const log: string[] = [];
    const router = new ScanRouter(() => 0);
    router.register(screen('returns', log));
    const first = router.hold();
    const second = router.hold();
    router.scanned('20261207010001');
    first();
    first(); // a second call changes nothing
    expect(log).toEqual([]);
    second();
    expect(log).toEqual(['returns:20261207010001']);
  });

  it("holds the next scans while the screen works on one (a receipt being looked up)", async () => {
    const log: string[] = [];
    const router = new ScanRouter(() => 0);
    const lookUp = deferred();
    let calls = 0;
    router.register(screen('returns', log, () => (++calls === 1 ? lookUp.promise : undefined)));
    router.scanned('20261207010001');
    router.scanned('20261207010002');
    expect(log).toEqual(['returns:20261207010001']);
    lookUp.resolve();
    await settle();
    expect(log).toEqual(['returns:20261207010001', 'returns:20261207010002']);
  });

  it('goes on after a look-up that failed', async () => {
    const log: string[] = [];
    const router = new ScanRouter(() => 0);
    const lookUp = deferred();
    let calls = 0;
    router.register(screen('returns', log, () => (++calls === 1 ? lookUp.promise : undefined)));
    router.scanned('1');
    router.scanned('2');
    lookUp.reject(new Error('not found'));
    await settle();
    expect(log).toEqual(['returns:1', 'returns:2']);
  });

  it('gives a scan to the screen that a screen change made while taking the previous one', () => {
    // A scan on the done screen starts the next sale: the next scan goes to the new screen.
    const log: string[] = [];
    const router = new ScanRouter(() => 0);
    let removeDone: () => void = () => {};
    removeDone = router.register({
      take: (code) => {
        log.push(`done:${code}`);
        removeDone();
        router.register(screen('sale', log));
      },
    });
    router.scanned('111');
    router.scanned('222');
    expect(log).toEqual(['done:111', 'sale:222']);
  });

  it('waits a moment for a screen to take a scan that came before any (a login)', () => {
    let now = 0;
    const log: string[] = [];
    const router = new ScanRouter(() => now);
    const release = router.hold();
    expect(router.active).toBe(true);
    router.scanned('111');
    release();
    expect(router.pending).toBe(1);
    expect(router.deadline).toBe(GRACE_MS);
    now = GRACE_MS - 1;
    router.expire();
    router.register(screen('sale', log));
    expect(log).toEqual(['sale:111']);
    expect(router.deadline).toBeNull();
  });

  it('drops a scan that no screen took within the grace', () => {
    let now = 0;
    const log: string[] = [];
    const router = new ScanRouter(() => now);
    const release = router.hold();
    router.scanned('111');
    release();
    now = GRACE_MS + 1;
    router.expire();
    expect(router.pending).toBe(0);
    router.register(screen('sale', log));
    expect(log).toEqual([]);
  });

  it('takes scans only while a screen takes them or one is changing', () => {
    const router = new ScanRouter(() => 0);
    expect(router.active).toBe(false);
    const remove = router.register(screen('sale', []));
    expect(router.active).toBe(true);
    remove();
    remove(); // a second call changes nothing
    expect(router.active).toBe(false);
    expect(router.target).toBeNull();
  });

  it('goes on to the next scan when a screen throws', () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const router = new ScanRouter(
      () => 0,
      (e) => errors.push(e),
    );
    let calls = 0;
    router.register({
      take: (code) => {
        log.push(code);
        if (++calls === 1) throw new Error('broken screen');
      },
    });
    router.scanned('1');
    router.scanned('2');
    expect(log).toEqual(['1', '2']);
    expect(errors).toHaveLength(1);
  });
});
