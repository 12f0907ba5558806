// Window-wide shortcuts: Ctrl+F focuses the filter, F6 / Shift+F6 move between the window's regions
// (regions.ts), Space freezes / unfreezes the view, Ctrl+C copies the selected rows, Escape closes the
// details pane (or else clears the timeline's span) — each only where the key would not mean
// something else (text fields, buttons; menus and dialogs take their own Escape first, and keep the
// focus: F6 does not leave them). The keys are listed for users in keyList.ts.
import { useEffect, type RefObject } from 'react';
import { focusRegion } from './regions';

const isTextTarget = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

export interface GlobalKeyActions {
  filterRef: RefObject<HTMLInputElement | null>;
  togglePause(): void;
  copySelected(): void;
  /**
   * Escape nothing else took (no menu, dialog or filter text to clear); `inText` when focus is in a
   * text field (input, textarea, select, editable), where Escape must not clear more than the pane.
   */
  onEscape(inText: boolean): void;
}

export function useGlobalKeys({ filterRef, togglePause, copySelected, onEscape }: GlobalKeyActions): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        if (!e.defaultPrevented && !document.querySelector('[role="alertdialog"], [role="dialog"], [role="menu"]')) onEscape(isTextTarget(e.target));
      } else if (e.key === 'F6' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        if (e.defaultPrevented || document.querySelector('[role="alertdialog"], [role="dialog"], [role="menu"]')) return;
        // Taken even when no region can take the focus: a browser would move to its address bar.
        e.preventDefault();
        focusRegion(document, e.shiftKey ? -1 : 1);
      } else if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      } else if (e.key === ' ' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        const t = e.target;
        if (isTextTarget(t) || (t instanceof HTMLElement && (t.tagName === 'BUTTON' || t.getAttribute('role') === 'menuitem' || t.getAttribute('role') === 'tab'))) return;
        if (document.querySelector('[role="alertdialog"]')) return;
        e.preventDefault();
        togglePause();
      } else if ((e.ctrlKey || e.metaKey) && (e.key === 'c' || e.key === 'C')) {
        if (isTextTarget(e.target) || (window.getSelection()?.toString() ?? '') !== '') return;
        e.preventDefault();
        copySelected();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [filterRef, togglePause, copySelected, onEscape]);
}

