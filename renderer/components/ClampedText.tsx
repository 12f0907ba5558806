// Long text (a command line of several KB) clamped to a few lines, with a button to show it whole,
// so what follows it in the details pane stays near.
import { useLayoutEffect, useRef, useState } from 'react';

export interface ClampedTextProps {
  text: string;
}

/**
 * Shows `text` clamped to CSS's `.clamped` lines (see styles.css); when it overflows them, a
 * "Show all" button expands it in place and "Show less" clamps it again. Whether it overflows is
 * measured (scrollHeight against clientHeight) on mount and whenever the element is resized, since
 * the pane's width changes with the window. Give it `key={text}` so new text starts clamped.
 */
export function ClampedText({ text }: ClampedTextProps) {
  const ref = useRef<HTMLSpanElement>(null);
  const [open, setOpen] = useState(false);
  const [overflows, setOverflows] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || open) return undefined;
    const measure = () => setOverflows(el.scrollHeight > el.clientHeight + 1);
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [open, text]);
  return (
    <>
      <span ref={ref} className={open ? 'clamp-text' : 'clamp-text clamped'} data-testid="clamped-text">
        {text}
      </span>
      {(overflows || open) && (
        <button type="button" className="link clamp-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : `Show all (${text.length.toLocaleString('en-US')} characters)`}
        </button>
      )}
    </>
  );
}
