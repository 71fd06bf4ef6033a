// Issue #11 item 3: the demos' sandbox keeps its port from run to run (8790), so a credential made
// by hand still points at it after a restart; DEMO_SANDBOX_PORT chooses another (0 = any free
// port), and a taken default falls back to a free port with a message. Real sockets.
import * as net from 'node:net';

const { sandboxPortChoice, DEFAULT_SANDBOX_PORT } = require('../../../scripts/demo') as { sandboxPortChoice: (log?: (line: string) => void) => Promise<number>; DEFAULT_SANDBOX_PORT: number };

const saved = process.env.DEMO_SANDBOX_PORT;
afterEach(() => {
  if (saved === undefined) delete process.env.DEMO_SANDBOX_PORT;
  else process.env.DEMO_SANDBOX_PORT = saved;
});

function occupy(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined)); // taken by someone else already
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('the default is a fixed port; DEMO_SANDBOX_PORT overrides it', async () => {
  expect(DEFAULT_SANDBOX_PORT).toBe(8790);
  process.env.DEMO_SANDBOX_PORT = '9123';
  expect(await sandboxPortChoice()).toBe(9123);
  process.env.DEMO_SANDBOX_PORT = '0';
  expect(await sandboxPortChoice()).toBe(0);
  process.env.DEMO_SANDBOX_PORT = 'eighty';
  await expect(sandboxPortChoice()).rejects.toThrow(/DEMO_SANDBOX_PORT must be a port number/);
});

test('unset: 8790 when free, else a free port and a message saying how to choose', async () => {
  delete process.env.DEMO_SANDBOX_PORT;
  const server = await occupy(DEFAULT_SANDBOX_PORT);
  const lines: string[] = [];
  try {
    expect(await sandboxPortChoice((line) => lines.push(line))).toBe(0);
    expect(lines.join('\n')).toMatch(/8790 is in use.*DEMO_SANDBOX_PORT/);
  } finally {
    server?.close();
  }
  if (server) {
    await new Promise((r) => server.once('close', r));
    expect(await sandboxPortChoice()).toBe(DEFAULT_SANDBOX_PORT);
  }
});
