// The mark of a value that is not known (or does not exist: a UDP socket's state), the same in every
// view: the one glyph (shared/units UNKNOWN_MARK), dimmed, always in the UI's font — a monospaced
// cell would otherwise draw it as a short dash beside a proportional cell's long one.
import { UNKNOWN_MARK } from '../../shared/units';

export function Unknown({ title }: { title?: string }) {
  return (
    <span className="dim unknown" title={title}>
      {UNKNOWN_MARK}
    </span>
  );
}
