/**
 * `alerts [--json]`: open alerts, then recently resolved ones, with what each
 * channel got. `alerts test <channel>`: a test message through one channel,
 * exit 1 with one line saying why when it cannot be delivered.
 */
import type { Command } from 'commander';
import { CHANNEL_NAMES, ConfigError, type AlertView, type AlertsOverview, type ChannelDelivery, type ChannelName } from '../../engine/index.ts';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerAlerts(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  const alerts = program
    .command('alerts')
    .description('open and recently resolved alerts with their delivery per channel; `alerts test <channel>` sends a test message')
    .option('--json', 'machine-readable output')
    .allowExcessArguments(false)
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const overview = await engine.alerts();
          if (opts.json) printJson(io, overview);
          else printOverview(io, overview);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );

  alerts
    .command('test')
    .description(`send a test message through one channel (${CHANNEL_NAMES.join('|')})`)
    .argument('<channel>', CHANNEL_NAMES.join(' | '))
    .option('--json', 'machine-readable output')
    .action((channel: string, opts: { json?: boolean }) =>
      run(async () => {
        if (!(CHANNEL_NAMES as readonly string[]).includes(channel)) {
          throw new ConfigError(`unknown alert channel "${channel}": use one of ${CHANNEL_NAMES.join(', ')}`);
        }
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const result = await engine.testAlertChannel(channel as ChannelName);
          // Commander hands `alerts test x --json` to the parent's --json as well: accept either.
          if (opts.json || alerts.opts<{ json?: boolean }>().json) printJson(io, result);
          else io.stdout(`test message sent through ${channel}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}

function printOverview(io: CliIo, o: AlertsOverview): void {
  const channels = CHANNEL_NAMES.map((c) => `${c} ${o.channels[c] ? 'on' : 'off'}`).join(', ');
  io.stdout(`channels: ${channels}\n`);
  io.stdout(o.open.length === 0 ? 'no open alerts\n' : `open alerts (${o.open.length}):\n`);
  for (const a of o.open) printAlert(io, a);
  if (o.resolved.length > 0) {
    io.stdout(`resolved in the last 7 days (${o.resolved.length}):\n`);
    for (const a of o.resolved) printAlert(io, a);
  }
}

function printAlert(io: CliIo, a: AlertView): void {
  const when = a.resolvedAt ? `${a.openedAt} - ${a.resolvedAt}` : `since ${a.openedAt}`;
  io.stdout(`  ${a.severity.toUpperCase()}  ${a.title}  (${when}; ${a.key})\n`);
  io.stdout(`    ${a.message}\n`);
  const deliveries = Object.entries(a.notifications) as [ChannelName, ChannelDelivery][];
  if (deliveries.length === 0) io.stdout('    not sent to any channel\n');
  for (const [channel, d] of deliveries) {
    const state = d.ok ? `sent (${d.kind}) at ${d.time}` : `NOT DELIVERED (${d.kind}, attempt ${d.attempts}) at ${d.time}: ${d.error ?? 'unknown error'}`;
    io.stdout(`    ${channel}: ${state}\n`);
  }
}
