//! Runs async tasks one after another, in the order they were queued.
//! The cashier screen uses it so that two quick scans update the cart in
//! order and a late reply can never overwrite a newer cart.

export type Serial = <T>(task: () => Promise<T>) => Promise<T>;

export function serial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(() => task());
    tail = run.catch(() => undefined);
    return run;
  };
}
