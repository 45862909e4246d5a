/** Command-line flags of the snapshot bench, each with an environment fallback so CI can set them too. */
import { parseArgs } from 'node:util';
import { BackupError } from '../../main/engine/errors.ts';

export interface BenchOptions {
  sizeMb: number;
  repeats: number;
  /** Transactions committed between two snapshots of the growth phase (one "15-minute" interval). */
  txs: number;
  rate: number;
  baselineSeconds: number;
  peerTimeoutSeconds: number;
  keep: boolean;
  skipCheck: boolean;
}

export const USAGE = `usage: npm run bench:snapshot -- [options]
  --size-mb N          database size in MiB (env BENCH_SIZE_MB, default 1024)
  --repeats N          repeats per figure; medians are printed (env BENCH_REPEATS, default 3)
  --txs N              transactions between two growth snapshots (env BENCH_TXS, default 3000)
  --rate N             writer transactions per second (env BENCH_RATE, default 1000)
  --baseline-s N       seconds of the writer-alone baseline (env BENCH_BASELINE_S, default 5)
  --peer-timeout-s N   give up on a peer run after this long (env BENCH_PEER_TIMEOUT_S, default 300)
  --skip-check         skip the final \`restic check\` of our repository
  --keep               keep the temporary folder (env BENCH_KEEP=1)`;

const NUMBERS = {
  'size-mb': ['BENCH_SIZE_MB', 1024],
  repeats: ['BENCH_REPEATS', 3],
  txs: ['BENCH_TXS', 3000],
  rate: ['BENCH_RATE', 1000],
  'baseline-s': ['BENCH_BASELINE_S', 5],
  'peer-timeout-s': ['BENCH_PEER_TIMEOUT_S', 300],
} as const;

type NumberFlag = keyof typeof NUMBERS;

/** Returns null when --help was asked for. */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | null {
  const { values } = parseFlags(argv);
  if (values.help) return null;
  const num = (flag: NumberFlag): number => {
    const [envName, fallback] = NUMBERS[flag];
    const raw = values[flag] ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) {
      throw new BackupError('permanent', `--${flag} (or ${envName}) must be a positive number, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
  return {
    sizeMb: num('size-mb'),
    repeats: Math.round(num('repeats')),
    txs: Math.round(num('txs')),
    rate: num('rate'),
    baselineSeconds: num('baseline-s'),
    peerTimeoutSeconds: num('peer-timeout-s'),
    keep: values.keep || env.BENCH_KEEP === '1',
    skipCheck: values['skip-check'],
  };
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        'size-mb': { type: 'string' },
        repeats: { type: 'string' },
        txs: { type: 'string' },
        rate: { type: 'string' },
        'baseline-s': { type: 'string' },
        'peer-timeout-s': { type: 'string' },
        'skip-check': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (err) {
    // parseArgs names the bad flag; the user also needs to know where the list of good ones is.
    throw new BackupError('permanent', `${(err as Error).message.split('\n')[0]} (--help lists the options)`, { cause: err });
  }
}
