import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, SETTINGS_KEY } from './settings';

class MemStorage {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe('settings', () => {
  it('round-trips through storage', () => {
    const st = new MemStorage();
    const s = { ...DEFAULT_SETTINGS, filter: 'port:443', keepClosed: true, theme: 'dark' as const, toggles: { ...DEFAULT_SETTINGS.toggles, hideListen: true }, sort: { key: 'remotePort' as const, dir: 'desc' as const } };
    saveSettings(s, st);
    expect(loadSettings(st)).toEqual(s);
  });
  it('falls back per field on bad values and on garbage', () => {
    const st = new MemStorage();
    st.setItem(SETTINGS_KEY, JSON.stringify({ filter: 3, intervalMs: 1234, toggles: { ipv4: false, udp: 'no' }, sort: { key: 'nope' }, theme: 'pink' }));
    const s = loadSettings(st);
    expect(s.filter).toBe('');
    expect('intervalMs' in s).toBe(false); // the engine's, not the page's
    expect(s.toggles.ipv4).toBe(false);
    expect(s.toggles.udp).toBe(true);
    expect(s.sort).toEqual(DEFAULT_SETTINGS.sort);
    expect(s.theme).toBe('system');
    st.setItem(SETTINGS_KEY, '{not json');
    expect(loadSettings(st)).toEqual(DEFAULT_SETTINGS);
    expect(loadSettings(null)).toEqual(DEFAULT_SETTINGS);
  });
});
