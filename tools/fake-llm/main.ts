import { FAULT_KINDS, startFakeLlmServer, type FakeLlmServerOptions, type FaultKind } from './server.ts';

const USAGE = `Usage: npm run fake-llm -- [options]
  --host <addr>             listen address (default 127.0.0.1)
  --port <n>                port (default 0 = any free port)
  --latency <ms>            delay before every answer
  --fail-429 <rate>         share of requests answered 429 with Retry-After
  --fail-500 <rate>         share answered 500
  --fail-503 <rate>         share answered 503 with Retry-After
  --timeout <rate>          share never answered (the client times out)
  --invalid-json <rate>     share answered with text that is not JSON
  --schema-invalid <rate>   share answered with JSON of the wrong shape
  --array <rate>            share answered with a bare JSON array
  --trickle <rate>          share answered one body byte per --trickle-interval ms (default 1000)
  --huge <rate>             share answered with a --huge-bytes body (default 20 MB)
  --trickle-interval <ms>   delay between two bytes of a trickled answer
  --huge-bytes <n>          body size of a huge answer
  --schedule <k,k,...>      outcome of attempt 1, 2, ... of every request (${FAULT_KINDS.join('|')}); wins over rates
  --retry-after <value>     Retry-After header value: seconds or an HTTP date (default 1)
  --seed <text>             changes the deterministic fault pattern
Prints OPENAI_BASE_URL=... for the client; GET /stats returns request counts.`;

const RATE_FLAGS: Record<string, Exclude<FaultKind, 'ok'>> = {
  '--fail-429': '429',
  '--fail-500': '500',
  '--fail-503': '503',
  '--timeout': 'timeout',
  '--invalid-json': 'invalid_json',
  '--schema-invalid': 'schema_invalid',
  '--array': 'array',
  '--trickle': 'trickle',
  '--huge': 'huge',
};

function fail(message: string): never {
  process.stderr.write(`fake-llm: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): FakeLlmServerOptions {
  const options: FakeLlmServerOptions = {};
  const rates: NonNullable<FakeLlmServerOptions['faultRates']> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const value = argv[i + 1];
    if (value === undefined) fail(`${flag} needs a value`);
    i += 1;
    const number = () => {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) fail(`${flag} needs a non-negative number, got "${value}"`);
      return n;
    };
    if (flag === '--host') options.host = value;
    else if (flag === '--port') options.port = number();
    else if (flag === '--latency') options.latencyMs = number();
    else if (flag === '--retry-after') options.retryAfter = value;
    else if (flag === '--trickle-interval') options.trickleIntervalMs = number();
    else if (flag === '--huge-bytes') options.hugeBytes = number();
    else if (flag === '--seed') options.seed = value;
    else if (flag === '--schedule') {
      const kinds = value.split(',').map((k) => k.trim());
      for (const k of kinds) if (!(FAULT_KINDS as readonly string[]).includes(k)) fail(`unknown outcome "${k}" in --schedule`);
      options.schedule = kinds as FaultKind[];
    } else if (RATE_FLAGS[flag]) {
      const rate = number();
      if (rate > 1) fail(`${flag} is a rate between 0 and 1`);
      rates[RATE_FLAGS[flag]] = rate;
    } else fail(`unknown option ${flag}`);
  }
  const total = Object.values(rates).reduce((a, b) => a + b, 0);
  if (total > 1) fail(`fault rates add up to ${total}, more than 1`);
  if (Object.keys(rates).length > 0) options.faultRates = rates;
  return options;
}

const server = await startFakeLlmServer(parseArgs(process.argv.slice(2)));
process.stdout.write(`OPENAI_BASE_URL=${server.url}\n`);
process.stderr.write(`fake-llm listening; stats at ${server.url.replace(/\/v1$/u, '')}/stats; Ctrl-C stops\n`);
const stop = () => {
  void server.close().then(() => {
    process.stderr.write(`fake-llm stopped: ${JSON.stringify(server.stats())}\n`);
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
