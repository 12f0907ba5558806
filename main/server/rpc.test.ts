import { describe, expect, it } from 'vitest';
import { fakeEngine } from '../../test/server/helpers';
import type { CloseTarget, EndProcessTarget } from '../../shared/ipc';
import { createHandlers, handleClientMessage } from './rpc';

/** Handlers over a fake engine; `acted` collects what reached an action. */
function setup() {
  const engine = fakeEngine();
  const acted: unknown[] = [];
  const handlers = createHandlers({
    engine,
    actions: {
      getProcessDetails: async (pid: number) => (acted.push(pid), null),
      closeConnection: async (t: CloseTarget) => (acted.push(t), { ok: true }),
      endProcess: async (t: EndProcessTarget) => (acted.push(t), { ok: true }),
    },
  });
  return { engine, acted, handlers };
}

describe('a call whose whole-number argument is written with a fraction or an exponent', () => {
  // JSON.parse reads 1000.0 as 1000, so the validators alone would act on it; the text tells.
  const NOT_WHOLE = 'is written with a fraction or an exponent; this field is a whole number (digits only)';
  const cases: Array<[string, string, string]> = [
    ['{"kind":"call","id":1,"method":"setInterval","args":[1000.0]}', 'args[0]', '1000.0'],
    ['{"kind":"call","id":1,"method":"getHistory","args":[5e1]}', 'args[0]', '5e1'],
    ['{"kind":"call","id":1,"method":"getProcessDetails","args":[ 4.2E1 ]}', 'args[0]', '4.2E1'],
    ['{"kind":"call","id":1,"method":"endProcess","args":[{"pid":42.0,"startTime":1700000000000.5}]}', 'args[0].pid', '42.0'],
    ['{"kind":"call","id":1,"method":"closeConnection","args":[{"family":4,"localAddress":"127.0.0.1","localPort":443.0,"remoteAddress":"127.0.0.1","remotePort":5000}]}', 'args[0].localPort', '443.0'],
    ['{"kind":"call","id":1,"method":"closeConnection","args":[{"family":4e0,"localAddress":"127.0.0.1","localPort":443,"remoteAddress":"127.0.0.1","remotePort":5000}]}', 'args[0].family', '4e0'],
    // Any JSON whitespace, an escaped key, the last of two members of one name.
    ['{"kind":"call","id":1,"method":"closeConnection","args":[{"family":4,"localAddress":"127.0.0.1","localPort":443,"remoteAddress":"127.0.0.1",\r"\\u0072emotePort"\t:\n5000.0}]}', 'args[0].remotePort', '5000.0'],
    ['{"kind":"call","id":1,"method":"endProcess","args":[{"pid":42,"startTime":null,"pid":42e0}]}', 'args[0].pid', '42e0'],
  ];

  it.each(cases)('%s is refused, naming the argument and the column; nothing is done', async (text, path, literal) => {
    const { engine, acted, handlers } = setup();
    const reply = await handleClientMessage(text, handlers);
    // A frame of lines (JSON whitespace may be LF) is named by line and column.
    const at = text.indexOf(literal);
    const column = at - text.lastIndexOf('\n', at - 1);
    const where = text.includes('\n') ? `line ${text.slice(0, at).split('\n').length}, column ${column}` : `column ${column}`;
    expect(reply).toEqual({ kind: 'reply', id: 1, ok: false, error: `${path}: ${literal} at ${where} ${NOT_WHOLE}` });
    expect([engine.calls, acted]).toEqual([[], []]);
  });

  it('digits only are acted on; members and values no validator reads as whole numbers are not looked at', async () => {
    const { engine, acted, handlers } = setup();
    const ok = [
      '{"kind":"call","id":1.5,"method":"setInterval","args":[1000]}',
      '{"kind":"call","id":2,"method":"endProcess","args":[{"pid":42,"startTime":1700000000000.5}],"x":{"args":[1.5]}}',
      '{"kind":"call","id":3,"method":"closeConnection","args":[{"family":4,"localAddress":"127.0.0.1","localPort":443,"remoteAddress":"127.0.0.1","remotePort":5000}],"pid":1.5}',
      '{"kind":"call","id":4,"method":"setPaused","args":[false],"note":"\\"args\\":[1.0]"}',
      '{"kind":"call","id":5,"method":"getHistory","args":[10.0],"args":[10]}',
    ];
    for (const text of ok) expect([text, await handleClientMessage(text, handlers)]).toEqual([text, expect.objectContaining({ kind: 'reply', ok: true })]);
    expect(engine.calls).toEqual(['setInterval:1000', 'setPaused:false', 'getHistory:10']);
    expect(acted).toEqual([{ pid: 42, startTime: 1700000000000.5 }, { family: 4, localAddress: '127.0.0.1', localPort: 443, remoteAddress: '127.0.0.1', remotePort: 5000 }]);
  });
});
