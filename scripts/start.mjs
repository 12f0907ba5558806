// `npm start`: opens the desktop app when an Electron binary is installed; otherwise says so
// plainly and points to browser mode. (npm start has already run the build.)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateElectron } from './electron-binary.cjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electron = locateElectron();

if (!electron.found) {
  console.error(
    [
      `netmon: no Electron binary is installed here (looked for ${electron.path}).`,
      'The desktop app needs one; this machine can run netmon in your browser instead:',
      '',
      '    npm run serve',
      '',
      "It prints a loopback URL to open, carrying this run's token (it lasts until serve stops).",
      "(On a machine that can download Electron, 'npx install-electron' fetches the binary and",
      "then 'npm start' opens the app.)",
    ].join('\n'),
  );
  process.exit(1);
}

const child = spawn(electron.path, [root, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, windowsHide: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (err) => {
  console.error(`netmon: could not start Electron at ${electron.path}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
