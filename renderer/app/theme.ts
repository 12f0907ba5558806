// The theme setting on the document root: `system` follows the OS (prefers-color-scheme). In the
// desktop app the native title bar follows as well (window.netmonDesktop.setTheme).
import { useEffect } from 'react';
import type { Theme } from '../store/settings';

export function useTheme(theme: Theme): void {
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
    // The desktop app's title bar and window background follow too (absent in a browser).
    window.netmonDesktop?.setTheme(theme).catch(() => undefined);
  }, [theme]);
}
