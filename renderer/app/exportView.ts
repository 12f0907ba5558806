// Export and copy of what the current view shows.
import { useCallback } from 'react';
import { eventsToCsv, eventsToJson, exportFileName, rowsToCsv, rowsToJson, rowsToTsv } from '../store/exporter';
import type { Column } from '../store/columns';
import type { LoggedEvent, Row } from '../store/rows';
import type { Selection } from '../store/selection';
import { failure, type ShowToast } from './toast';

export type Download = (fileName: string, mime: string, text: string) => void;

/** Downloads the rows (Connections) or events (Events) shown, as CSV or JSON, named by `now` (epoch ms). */
export function exportView(view: 'connections' | 'events', format: 'csv' | 'json', rows: Row[], events: LoggedEvent[], download: Download, now = Date.now()): void {
  const mime = format === 'csv' ? 'text/csv' : 'application/json';
  const name = exportFileName(view, format, now);
  if (view === 'events') download(name, mime, format === 'csv' ? eventsToCsv(events) : eventsToJson(events));
  else download(name, mime, format === 'csv' ? rowsToCsv(rows) : rowsToJson(rows));
}

/** Copies the selected rows (in view order) tab-separated; says what it did in a toast. */
export function useCopySelected(rows: Row[], selection: Selection, columns: Column[], copy: (text: string) => Promise<void>, toast: ShowToast): () => void {
  return useCallback(() => {
    const sel = rows.filter((r) => selection.ids.has(r.id));
    if (sel.length === 0) {
      toast({ text: 'Select rows to copy' });
      return;
    }
    copy(rowsToTsv(sel, columns)).then(
      () => toast({ text: `Copied ${sel.length} row${sel.length === 1 ? '' : 's'}` }),
      (err: unknown) => toast(failure('Copy failed', err)),
    );
  }, [rows, selection, columns, copy, toast]);
}
