// Small files named by the user, read as text: what a Windows editor adds (a UTF-8 byte-order
// mark) is not part of the content.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBaseline } from '../../shared/baseline';
import { parseAgentArgs } from '../agent/cli';
import { readToken } from '../agent/config';
import { readInputFile } from './file-args';

const dir = mkdtempSync(join(tmpdir(), 'netmon-input-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BOM = '\ufeff';

describe('readInputFile', () => {
  it('drops a leading UTF-8 byte-order mark: Notepad-saved agent configs, baselines and token files are read', () => {
    // Before: JSON.parse refused the mark ("not valid JSON: Unexpected token '\ufeff'"), exit 2.
    const read = (f: string) => readInputFile(f, 1024 * 1024, 'file');
    const config = join(dir, 'agent.json');
    writeFileSync(config, `${BOM}{"source":"demo","intervalMs":500}`);
    expect(read(config)).toBe('{"source":"demo","intervalMs":500}');
    expect(parseAgentArgs(['--config', config], read)).toMatchObject({ source: 'demo', intervalMs: 500 });
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, `${BOM}{"format":"netmon-baseline","version":1,"dynamicRange":{"low":49152,"high":65535},"listeners":[],"outbound":[],"ephemeral":[]}`);
    expect(parseBaseline(read(baseline), baseline).dynamicRange).toEqual({ low: 49152, high: 65535 });
    const token = join(dir, 'token');
    writeFileSync(token, `${BOM}abcdefghijklmnop_0123\r\n`);
    expect(readToken(token, 'token file', read)).toBe('abcdefghijklmnop_0123');
    // Only a leading mark: one inside the text is content (and then no JSON).
    writeFileSync(config, `{"source":"demo"}${BOM}`);
    expect(read(config)).toBe(`{"source":"demo"}${BOM}`);
  });
});
