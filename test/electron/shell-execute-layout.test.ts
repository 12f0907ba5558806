// SHELLEXECUTEINFOW as koffi lays it out must match the documented x64 struct (shellapi.h; the
// offsets Windows reads through cbSize = 112). koffi computes layouts on any OS, so this runs here.
import { describe, expect, it } from 'vitest';
import { FOLDERID_ProgramFiles, guidBytes, shellExecuteInfoLayout } from '../../main/native/koffi';

describe('SHELLEXECUTEINFOW', () => {
  it('has the documented x64 size and field offsets', () => {
    expect(shellExecuteInfoLayout()).toEqual({
      size: 112,
      offsets: {
        cbSize: 0,
        fMask: 4,
        hwnd: 8,
        lpVerb: 16,
        lpFile: 24,
        lpParameters: 32,
        lpDirectory: 40,
        nShow: 48,
        hInstApp: 56,
        lpIDList: 64,
        lpClass: 72,
        hkeyClass: 80,
        dwHotKey: 88,
        hIconOrMonitor: 96,
        hProcess: 104,
      },
    });
  });
});

describe('guidBytes', () => {
  it('writes a GUID in memory order (Data1–3 little-endian, Data4 as is)', () => {
    expect(guidBytes(FOLDERID_ProgramFiles).toString('hex')).toBe('b6635e90bfc14e49b29c65b732d3d21a');
    expect(() => guidBytes('905e63b6-c1bf-494e-b29c')).toThrow(/not a GUID/);
  });
});
