// The theme setting on the document root: `system` follows the OS (prefers-color-scheme).
import { useEffect } from 'react';
import type { Theme } from '../store/settings';

export function useTheme(theme: Theme): void {
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}
