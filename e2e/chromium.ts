// Debian's Chromium and the flags that let it run headless on a locked-down Linux box.
export const CHROMIUM_PATH = process.env.NETMON_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
