// The traffic bench's kernel-only dumps (bench/traffic.ts): the head walk that finds where each
// dump ends, on datagrams as the kernel sends them and on lengths it never sends, which must end
// the walk, not loop in place or step backwards.
import { describe, expect, it } from 'vitest';
import { endsDump } from '../../bench/traffic';
import { diagMessage, doneMessage, errorMessage } from '../../main/source/linux/fake-sock-diag';

const LOOP4 = [127, 0, 0, 1];
const socket = (i: number) => diagMessage({ family: 4, state: 1, src: LOOP4, dst: LOOP4, sport: 40000 + i, dport: 8080, inode: 100 + i }, 7);

/** `parts` as one datagram in a word-aligned buffer with room to spare (zeros past `n`). */
function datagram(...parts: Buffer[]): { words: Uint32Array; n: number } {
  const bytes = Buffer.concat(parts);
  const words = new Uint32Array(Math.ceil(bytes.length / 4) + 16);
  Buffer.from(words.buffer).set(bytes);
  return { words, n: bytes.length };
}
const ends = ({ words, n }: { words: Uint32Array; n: number }) => endsDump(words, n);

describe('endsDump', () => {
  it('finds NLMSG_DONE or NLMSG_ERROR after any number of sockets, and no end in a datagram of sockets alone', () => {
    expect(ends(datagram(socket(0), socket(1), socket(2)))).toBe(false);
    expect(ends(datagram(socket(0), socket(1), doneMessage(7)))).toBe(true);
    expect(ends(datagram(doneMessage(7)))).toBe(true);
    expect(ends(datagram(errorMessage(7, 2)))).toBe(true);
    expect(ends(datagram(socket(0), errorMessage(7, 1)))).toBe(true);
    // The end past `n` is not in this datagram.
    const d = datagram(socket(0), doneMessage(7));
    expect(endsDump(d.words, d.n - 20)).toBe(false);
  });

  it('ends the walk on a zero or short length, and returns on a length past the datagram, however large', () => {
    for (const len of [0, 1, 15]) {
      const d = datagram(socket(0), socket(1));
      d.words[socket(0).length / 4] = len;
      expect(ends(d), `nlmsg_len ${len}`).toBe(true);
    }
    // A length the datagram does not hold: no end found here (the next recv brings the rest or
    // times out), and never a step backwards or in place, which would loop without end.
    for (const len of [0x1000, 0x7ffffffd, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffd, 0xffffffff]) {
      const d = datagram(socket(0), socket(1), doneMessage(7));
      d.words[socket(0).length / 4] = len;
      expect(ends(d), `nlmsg_len ${len.toString(16)}`).toBe(false);
    }
  });
});
