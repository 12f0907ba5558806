// Short-lived notices (copied, recording started, an action failed): errors stay longer.
import { useEffect, useState } from 'react';

export interface ToastMessage {
  text: string;
  error?: boolean;
}
export type ShowToast = (t: ToastMessage) => void;

export const TOAST_MS = 2500;
export const ERROR_TOAST_MS = 6000;

/** The current toast and a setter; the toast clears itself after TOAST_MS / ERROR_TOAST_MS. */
export function useToast(): [ToastMessage | null, ShowToast] {
  const [toast, setToast] = useState<ToastMessage | null>(null);
  useEffect(() => {
    if (!toast) return undefined;
    const t = setTimeout(() => setToast(null), toast.error ? ERROR_TOAST_MS : TOAST_MS);
    return () => clearTimeout(t);
  }, [toast]);
  return [toast, setToast];
}

export function Toast({ toast }: { toast: ToastMessage | null }) {
  if (!toast) return null;
  return (
    <div className={`toast${toast.error ? ' error' : ''}`} aria-live="polite">
      {toast.text}
    </div>
  );
}

/** "Verb failed: reason" from whatever was thrown. */
export function failure(what: string, err: unknown): ToastMessage {
  return { text: `${what}: ${err instanceof Error ? err.message : String(err)}`, error: true };
}
