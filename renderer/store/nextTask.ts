// A task of its own, soon: the renderer's way to split work so no task runs past a frame.

/** Runs `fn` in a task of its own, soon (a message to self: no 4 ms timer clamp). */
export function nextTask(fn: () => void): void {
  if (typeof MessageChannel === 'undefined') {
    setTimeout(fn, 0);
    return;
  }
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    ch.port1.close();
    fn();
  };
  ch.port2.postMessage(null);
}
