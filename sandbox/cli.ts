#!/usr/bin/env node
// `node dist/sandbox/cli.js [--port N]`: runs the provider sandbox until SIGINT/SIGTERM.
// Prints endpoints and client ids only: never secrets or tokens.
import { startSandbox, type Sandbox } from './index';

function parsePort(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let value: string | undefined;
    if (arg === '--port' || arg === '-p') value = argv[i + 1];
    else if (arg.startsWith('--port=')) value = arg.slice('--port='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('Usage: node dist/sandbox/cli.js [--port N]\n');
      process.exit(0);
    } else continue;
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
      process.stderr.write(`Invalid --port value: ${value ?? '(missing)'}\n`);
      process.exit(2);
    }
    return Number(value);
  }
  const env = process.env.SANDBOX_PORT;
  return env && /^\d+$/.test(env) ? Number(env) : 0;
}

function banner(sandbox: Sandbox): string {
  const e = sandbox.endpoints;
  return [
    `OAuth2 provider sandbox listening on ${sandbox.url}`,
    '(`npm start` runs it inside the Node-RED demo; this is the sandbox alone.)',
    '',
    'Deployteq',
    `  authorize  ${e.deployteq.authorize}`,
    `  token      ${e.deployteq.token}   (HTTP Basic client auth)`,
    `  webhook    ${e.deployteq.webhook}`,
    `             ${e.deployteq.webhookLegacy}`,
    'Zendesk Chat (account host, subdomain parameter required)',
    `  authorize  ${e.zendesk.authorize}`,
    `  token      ${e.zendesk.token}   (client credentials in the body)`,
    `  API        ${e.zendesk.api}`,
    'Zendesk Chat (legacy zopim.com host)',
    `  authorize  ${e.zopim.authorize}`,
    `  token      ${e.zopim.token}`,
    `  API        ${e.zopim.api}`,
    'Generic OAuth2',
    `  authorize  ${e.generic.authorize}`,
    `  token      ${e.generic.token}`,
    `  refresh    ${e.generic.refresh}`,
    `  API        ${e.generic.me}`,
    `Admin API    ${sandbox.url}/_sandbox/ (counters, deliveries, reset, configure, faults, revoke, expire, chats)`,
    '',
    'Default client ids: deployteq dt-client, zendesk zd-client, generic gen-client (public client: gen-public).',
    'Client secrets and test users are not printed: see sandbox/README.md.',
    'Stop with Ctrl+C.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: parsePort(process.argv.slice(2)) });
  process.stdout.write(banner(sandbox));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received, stopping the sandbox.\n`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Could not start the sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
