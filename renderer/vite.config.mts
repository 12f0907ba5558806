// Vite build of the renderer: relative asset paths so the same bundle loads from a file/custom
// protocol in Electron and from the local web server in browser mode.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Inline assets would need data: in more CSP directives; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
