// Whether a view's predicate or comparator reads the traffic fields (counters, rates, RTT,
// limitedBy). A poll writes those into thousands of rows in place without an event (see Row.rev);
// a view whose filter and sort read none of them leaves such rows where they stand.

/** A function that may say whether it reads traffic fields. */
export interface TrafficAware {
  readsTraffic?: boolean;
}

/** Whether `fn` may read traffic fields: true unless it says it does not (the safe default). */
export function readsTraffic(fn: object): boolean {
  return (fn as TrafficAware).readsTraffic !== false;
}

/** `fn`, marked as reading traffic fields (`reads`) or not. */
export function withTraffic<F extends object>(fn: F, reads: boolean): F & TrafficAware {
  return Object.assign(fn, { readsTraffic: reads });
}
